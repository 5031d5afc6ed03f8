"""The report's fixed text, per language: headings, labels, the seed's points that no experiment
measures, and the glossary of terms (中英术语对照). Experiments keep their own prose in their
``TEXT``; this module holds only what belongs to the report as a whole."""

from __future__ import annotations

CSS = """
body { font: 15px/1.5 system-ui, "Noto Sans CJK SC", "PingFang SC", sans-serif; margin: 0 auto;
       max-width: 1100px; padding: 1em 2em; color: #222; }
h1 { font-size: 1.7em; } h2 { border-bottom: 2px solid #ccc; margin-top: 2em; }
table { border-collapse: collapse; margin: .6em 0 1em; font-size: .92em; }
th, td { border: 1px solid #ccc; padding: .25em .6em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } caption { font-weight: bold; text-align: left; padding: .3em 0; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
blockquote { border-left: 4px solid #999; margin: .8em 0; padding: .2em 1em; background: #fafafa; }
.seed { font-size: 1.05em; } .translation { color: #555; font-style: italic; }
figure { margin: 1em 0; } figure img { max-width: 100%; border: 1px solid #eee; }
figcaption { color: #444; font-size: .92em; }
.badge { padding: .1em .5em; border-radius: .8em; font-weight: bold; white-space: nowrap; }
.yes { background: #d4edda; color: #155724; } .no { background: #f8d7da; color: #721c24; }
.but { background: #fff3cd; color: #664d03; }
.verdict { border: 1px solid #ddd; border-left-width: 6px; border-radius: 6px; padding: .4em 1em;
           margin: .6em 0; }
.verdict.reproduced { border-left-color: #5cb85c; }
.verdict.qualified { border-left-color: #e0a800; }
.verdict.not_reproduced { border-left-color: #d9534f; }
.meta, .duration { color: #666; font-size: .9em; }
.note { background: #fff3cd; padding: .4em .8em; border-radius: 4px; }
code { font-size: .9em; }
"""

TEXT = {
    "en": {
        "title": "neuralab lab: the seed's claims, measured",
        "intro": (
            "Each claim of the seed, a learner's notes in Chinese (“浅学神经网络”, a first look at "
            "neural networks), is turned into an experiment run with neuralab, and two papers "
            "the notes lean on (Glorot & Bengio 2010, Kingma & Ba 2015) are remade. Every "
            "verdict is computed from the measured numbers by the criterion printed beside it: "
            "reproduced; reproduced, but … (the claim holds, but not all of it, or not for the "
            "seed's reason); or not reproduced. Each says in one line what we found, and links "
            "to the derivation in the docs. A claim that is not reproduced is reported with its "
            "numbers: that is a finding, not a failure. Every result holds for the budget "
            "stated with it."),
        "meta": "seed {seed} · {mode} · neuralab {version} · total time {duration:.1f} s",
        "quick": "quick mode (small data and budgets)",
        "full": "full run",
        "no_cjk_font": ("matplotlib has no font with Chinese glyphs here, so the figures are "
                        "in English (on Debian or Ubuntu: {})."),
        "changed": "Parameters changed for this run: {}.",
        "summary": "Summary",
        "tally": "{n} of {m} verdicts: reproduced ({but} of them with a “but”).",
        "id": "Id",
        "claim": "Claim",
        "verdict": "Verdict",
        "finding": "What we found",
        "experiment": "Experiment",
        "seed_words": "The seed's words: ",
        "translation": "Translation (docs/seed/CLAIMS.md): ",
        "setup": "Set-up",
        "parameters": "Parameters",
        "figures": "Figures",
        "numbers": "Measured numbers",
        "verdicts": "Verdicts",
        "criterion": "Criterion",
        "derivation": "Derivation",
        "evidence": "Evidence",
        "name": "Name",
        "value": "Value",
        "yes": "yes",
        "no": "no",
        "reproduced": "reproduced",
        "qualified": "reproduced, but …",
        "not_reproduced": "not reproduced",
        "duration": "Duration: {:.1f} s",
        "values": "{} values",
        "seed_points": "The seed's other points",
        "seed_points_intro": (
            "Four things the notes say that no experiment here measures, each with what is "
            "known about it."),
        "glossary": "Glossary (中英术语对照)",
    },
    "zh": {
        "title": "neuralab 实验报告:逐条检验《浅学神经网络》笔记中的论断",
        "intro": (
            "《浅学神经网络》笔记中的每一条论断都被变成一个用 neuralab 运行的实验;笔记所依据的两篇"
            "论文(Glorot 与 Bengio 2010,Kingma 与 Ba 2015)中的实验也在这里重做。每个结论都由实测"
            "数据按旁边写出的判据计算得出,分为三种:已复现;已复现,但……(论断成立,但并非全部成立,"
            "或者原因与笔记所说不同);未复现。每个结论都用一句话说明我们测到了什么,并链接到文档中的"
            "推导。未能复现的论断同样连同数据一起报告:这是发现,不是失败。每个结果只在与它一同写明的"
            "训练预算下成立。"),
        "meta": "随机种子 {seed} · {mode} · neuralab {version} · 总用时 {duration:.1f} 秒",
        "quick": "快速模式(小数据、小预算)",
        "full": "完整运行",
        "no_cjk_font": (
            "本机没有可供 matplotlib 使用的中文字体,图中文字仍为英文(Debian/Ubuntu 上可用 {} "
            "安装)。"),
        "changed": "本次运行修改过的参数:{}。",
        "summary": "总结",
        "tally": "{m} 个结论中 {n} 个已复现(其中 {but} 个带有“但是”)。",
        "id": "编号",
        "claim": "论断",
        "verdict": "结论",
        "finding": "我们测到的",
        "experiment": "实验",
        "seed_words": "原文:",
        "translation": "英文译文(docs/seed/CLAIMS.md):",
        "setup": "实验设置",
        "parameters": "参数",
        "figures": "图表",
        "numbers": "测量数据",
        "verdicts": "结论与判据",
        "criterion": "判据",
        "derivation": "推导",
        "evidence": "证据",
        "name": "名称",
        "value": "数值",
        "yes": "是",
        "no": "否",
        "reproduced": "已复现",
        "qualified": "已复现,但……",
        "not_reproduced": "未复现",
        "duration": "用时:{:.1f} 秒",
        "values": "共 {} 个值",
        "seed_points": "笔记中的其他要点",
        "seed_points_intro": "笔记中有四点没有实验去测量,这里各用一段话说明目前对它们的认识。",
        "glossary": "中英术语对照",
    },
}
"""The report's fixed text, per language."""

SEED_POINTS = (
    {
        "title": {"en": "Left and right saturation", "zh": "左饱和与右饱和"},
        "text": {
            "en": (
                "The notes split saturation by side: f saturates on the left where f′(z) → 0 "
                "as z → −∞, on the right where f′(z) → 0 as z → +∞. Sigmoid and tanh saturate "
                "softly on both sides; ReLU saturates hard on the left (f′ = 0 for every z < 0) "
                "and not at all on the right; ELU, softplus, GELU and SiLU saturate softly on "
                "the left only. The activations experiment measures each side separately, and "
                "saturation_dynamics shows both sides inside a trained sigmoid network: its top "
                "hidden layer is pinned near 0 (left), its lower layers later near 1 (right)."),
            "zh": (
                "笔记把饱和按方向分开:z → −∞ 时 f′(z) → 0 称为左饱和,z → +∞ 时 f′(z) → 0 "
                "称为右饱和。sigmoid 与 tanh 两侧都是软饱和;ReLU 左侧硬饱和(对每个 z < 0 都有 f′ = "
                "0),右侧不饱和;ELU、softplus、GELU 与 SiLU 只在左侧软饱和。实验 activations "
                "分别测量两侧,实验 saturation_dynamics 则在训练中的 sigmoid "
                "网络里看到两侧的饱和:最上面的隐藏层被压在 0 附近(左饱和),下面的隐藏层后来贴近 "
                "1(右饱和)。"),
        },
    },
    {
        "title": {"en": "“Closest to a biological neuron”", "zh": "“最接近生物神经元”"},
        "text": {
            "en": (
                "The notes call sigmoid the activation physically closest to a biological "
                "neuron. That is its historical motivation: a neuron's firing rate rises "
                "smoothly with its input and levels off at a maximum, and σ(z) is such a curve. "
                "Measured rate curves are, however, one-sided: a neuron is silent below a "
                "threshold and fires faster and faster above it, which a rectifier imitates "
                "better, with sparse activity (Glorot, Bordes & Bengio, “Deep Sparse Rectifier "
                "Neural Networks”, 2011). It is a statement about biology, not about training, "
                "and no experiment here tests it."),
            "zh": (
                "笔记说 sigmoid 在物理意义上最接近生物神经元。这是它的历史动机:神经元的放电频率"
                "随输入平滑上升并在最大值处趋于平稳,σ(z) 正是这样的曲线。不过实测的放电频率曲线是"
                "单侧的:低于阈值时神经元不放电,高于阈值后放电越来越快,这更像整流函数(ReLU),"
                "而且激活稀疏(Glorot、Bordes 与 Bengio,《Deep Sparse Rectifier Neural Networks》,"
                "2011)。这是关于生物学的说法,与训练无关,这里没有实验检验它。"),
        },
    },
    {
        "title": {"en": "Input normalisation", "zh": "输入的归一化"},
        "text": {
            "en": (
                "The notes say the (0, 1) output of sigmoid can serve to normalise inputs. "
                "Squashing a feature into (0, 1) does bound it, but what helps gradient descent "
                "is inputs with mean 0 and comparable spread (LeCun, Bottou, Orr & Müller, "
                "“Efficient BackProp”, 1998): all-positive inputs make every weight gradient of "
                "a unit share one sign, the offset problem of C5 one layer down. A sigmoid "
                "output layer normalises outputs into probabilities, which is where the notes' "
                "example, the sigmoid cross-entropy, comes from. The lab scales its data to "
                "[0, 1] (pixels divided by their maximum); the zero_mean experiment measures "
                "what a non-zero mean does inside the network."),
            "zh": (
                "笔记说 sigmoid 的 (0, 1) 输出可以用于输入的归一化。把特征压进 (0, 1) 确实让它有界,"
                "但对梯度下降有帮助的是均值为 0、尺度相当的输入(LeCun、Bottou、Orr 与 Müller,"
                "《Efficient BackProp》,1998):输入全为正时,一个神经元的所有权重梯度同号,这正是 "
                "C5 的偏移问题出现在下一层。sigmoid 输出层把输出归一化为概率,笔记所举的 sigmoid "
                "交叉熵损失就来自这里。本实验室把数据缩放到 [0, 1](像素除以最大值);实验 "
                "zero_mean 测量非 0 均值在网络内部的影响。"),
        },
    },
    {
        "title": {"en": "From entropy to cross-entropy", "zh": "从熵到交叉熵"},
        "text": {
            "en": (
                "The entropy H(y) = −Σⱼ yⱼ ln yⱼ is the average surprise −ln yⱼ of outcomes "
                "drawn from the distribution y. If we expect the distribution a instead, the "
                "average surprise is the cross-entropy H(y, a) = −Σⱼ yⱼ ln aⱼ, and "
                "H(y, a) = H(y) + KL(y ‖ a) ≥ H(y), with equality only when a = y. H(y) does not "
                "depend on the network, so minimising the cross-entropy minimises the "
                "Kullback–Leibler divergence between the targets and the outputs. For a one-hot "
                "target H(y) = 0 and the cost is −ln a of the true class; averaged over n "
                "samples it is the notes' formula (C11), and for one logistic output it becomes "
                "−[y ln a + (1 − y) ln(1 − a)]."),
            "zh": (
                "熵 H(y) = −Σⱼ yⱼ ln yⱼ 是从分布 y 中抽到的结果的平均“意外程度” −ln yⱼ。如果我们按"
                "分布 a 来预期,平均意外程度就是交叉熵 H(y, a) = −Σⱼ yⱼ ln aⱼ,而且 "
                "H(y, a) = H(y) + KL(y ‖ a) ≥ H(y),只有 a = y 时取等号。H(y) 与网络无关,所以最小化"
                "交叉熵就是最小化目标与输出之间的 KL 散度。目标是独热向量时 H(y) = 0,代价就是正确"
                "类别的 −ln a;对 n 个样本取平均就是笔记中的公式(C11),对单个 logistic 输出则化为 "
                "−[y ln a + (1 − y) ln(1 − a)]。"),
        },
    },
)
"""The seed's points not measured by any experiment: a title and a paragraph per language."""

GLOSSARY = (
    ("神经元", "neuron"), ("隐藏层", "hidden layer"), ("输入层 / 输出层", "input / output layer"),
    ("激活函数(激励函数)", "activation function"), ("损失函数(代价函数)", "loss (cost) function"),
    ("优化函数(优化器)", "optimization function (optimizer)"),
    ("感知机", "perceptron"), ("非线性", "nonlinearity"),
    ("饱和", "saturation"), ("软饱和 / 硬饱和", "soft / hard saturation"),
    ("左饱和 / 右饱和", "left / right saturation"),
    ("梯度消失", "vanishing gradient"), ("学习速度 ‖∂C/∂b‖", "speed of learning ‖∂C/∂b‖"),
    ("偏移现象(非 0 均值)", "offset (non-zero mean)"), ("0 均值", "zero mean"),
    ("神经元死亡", "dead neuron (output exactly 0 on every sample)"),
    ("冻结的神经元", "frozen unit (|f′| below 1% of its maximum on every sample)"),
    ("平方损失(二次代价)", "quadratic cost"), ("交叉熵", "cross-entropy"),
    ("二元交叉熵", "binary cross-entropy"), ("熵", "entropy"),
    ("学习率", "learning rate"), ("轮", "epoch"), ("批 / 小批量", "batch / mini-batch"),
    ("全批量梯度下降", "full-batch gradient descent (GD)"),
    ("随机梯度下降", "stochastic gradient descent (SGD)"), ("动量", "momentum"),
    ("权重衰减 / L2 正则化", "weight decay / L2 regularisation"), ("随机失活", "dropout"),
    ("初始化", "initialisation"), ("随机种子", "random seed"), ("测试准确率", "test accuracy"),
    ("预算(训练步数)", "budget (training steps)"), ("判据", "criterion"),
)
"""中英术语对照: the terms of the notes and the lab, Chinese beside English."""
