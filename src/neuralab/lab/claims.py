"""The seed's claims C1–C12: its own Chinese words, the English translation, a short name.

The seed is ``docs/seed/first-look-at-neural-networks.zh.txt``, a learner's notes on what a neural
network is. ``docs/seed/CLAIMS.md`` translates each claim and gives it an id; the lab measures every
one. Each :class:`Claim` keeps the seed's words as exact excerpts (several excerpts are joined
with " … " where the seed spreads a claim over a few sentences), so the report can quote the seed
verbatim beside the translation.
"""

from __future__ import annotations

from dataclasses import dataclass

from .text import Text


@dataclass(frozen=True)
class Claim:
    """One claim of the seed.

    Attributes:
        id: "C1" … "C12", stable across reports, tests and docs.
        seed: exact excerpts of the seed (Chinese), in the order they appear there.
        translation: the English translation from ``docs/seed/CLAIMS.md``.
        short: a one-line name for summary tables, in English and Chinese.
    """

    id: str
    seed: tuple[str, ...]
    translation: str
    short: Text

    @property
    def quote(self) -> str:
        """The seed's words as one string, excerpts joined with " … "."""
        return " … ".join(self.seed)


_CLAIMS = (
    Claim(
        "C1",
        (
            "神经网络中的每个神经元节点接受上一层神经元的输出值作为本神经元的输入值,"
            "并将输入值传递给下一层,输入层神经元节点会将输入属性值直接传递给下一层(隐层或输出层)。",
        ),
        "A network is built from artificial neurons; each takes the previous layer's outputs as "
        "input, the input layer passes the attributes straight on.",
        Text("Each neuron takes the previous layer's outputs", "神经元以上一层的输出为输入"),
    ),
    Claim(
        "C2",
        (
            "如果不用激励函数(其实相当于激励函数是f(x) = x),在这种情况下你每一层节点的输入都是"
            "上层输出的线性函数,很容易验证,无论你神经网络有多少层,输出都是输入的线性组合,"
            "与没有隐藏层效果相当,这种情况就是最原始的感知机(Perceptron)了,"
            "那么网络的逼近能力就相当有限。正因为上面的原因,我们决定引入非线性函数作为激励函数,"
            "这样深层神经网络表达能力就更加强大(不再是输入的线性组合,而是几乎可以逼近任意函数)。",
        ),
        "Without a nonlinear activation (f(x)=x) every layer is a linear function of the one "
        "before, so any depth equals one linear layer (a perceptron) and can only draw linear "
        "boundaries; with a nonlinearity the network can approximate almost any function.",
        Text(
            "Without a nonlinearity any depth is one linear map",
            "没有非线性激活函数,多少层都等于一个线性映射",
        ),
    ),
    Claim(
        "C3",
        (
            "(0, 1) 的输出还可以被表示作概率,或用于输入的归一化,代表性的如Sigmoid交叉熵损失函数。",
            "sigmoid也有其自身的缺陷,最明显的就是饱和性。从上图可以看到,其两侧导数逐渐趋近于0",
            "具有这种性质的称为软饱和激活函数。",
        ),
        "Sigmoid maps to (0, 1), so its output reads as a probability; it saturates softly on "
        "both sides: f′(x) → 0 as |x| grows.",
        Text("Sigmoid: output in (0, 1), soft saturation", "sigmoid:输出在 (0, 1) 之间,软饱和"),
    ),
    Claim(
        "C4",
        (
            "由于在后向传递过程中,sigmoid向下传导的梯度包含了一个 f′(x) 因子"
            "(sigmoid关于输入的导数),"
            "因此一旦输入落入饱和区,f′(x) 就会变得接近于0,导致了向底层传递的梯度也变得非常小。"
            "此时,网络参数很难得到有效训练。这种现象被称为梯度消失。"
            "一般来说, sigmoid 网络在 5 层之内就会产生梯度消失现象",
        ),
        "Because the backward gradient carries a factor f′(z) per layer, sigmoid networks suffer "
        'vanishing gradients, "generally within 5 layers".',
        Text("Sigmoid nets: vanishing gradient within 5 layers", "sigmoid 网络 5 层之内梯度消失"),
    ),
    Claim(
        "C5",
        (
            "此外,sigmoid函数的输出均大于0,使得输出不是0均值,这称为偏移现象,"
            "这会导致后一层的神经元将得到上一层输出的非0均值的信号作为输入。",
        ),
        'Sigmoid outputs are all positive: their mean is not 0 (the "offset"), so the next layer '
        "gets non-zero-mean input.",
        Text("Sigmoid output is not zero-mean (offset)", "sigmoid 输出不是 0 均值(偏移现象)"),
    ),
    Claim(
        "C6",
        (
            "tanh也是一种非常常见的激活函数。与sigmoid相比,它的输出均值是0,"
            "使得其收敛速度要比sigmoid快,减少迭代次数。然而,从途中可以看出,"
            "tanh一样具有软饱和性,从而造成梯度消失。",
        ),
        "tanh is zero-mean, so it converges faster than sigmoid (fewer iterations), but it also "
        "saturates softly and so also loses gradient.",
        Text(
            "tanh: zero-mean, converges faster, still saturates",
            "tanh:0 均值,收敛更快,但同样软饱和",
        ),
    ),
    Claim(
        "C7",
        (
            "可以看到,当x<0时,ReLU硬饱和,而当x>0时,则不存在饱和问题。"
            "所以,ReLU 能够在x>0时保持梯度不衰减,从而缓解梯度消失问题。"
            "这让我们能够直接以监督的方式训练深度神经网络,而无需依赖无监督的逐层预训练。",
        ),
        "ReLU saturates hard for x < 0 and not at all for x > 0, so the gradient does not decay; "
        "deep networks can then be trained directly with supervision, without unsupervised "
        "layer-wise pre-training.",
        Text(
            "ReLU: hard saturation, gradient does not decay",
            "ReLU:硬饱和,梯度不衰减,可直接训练深度网络",
        ),
    ),
    Claim(
        "C8",
        (
            "然而,随着训练的推进,部分输入会落入硬饱和区,导致对应权重无法更新。"
            "这种现象被称为“神经元死亡”。与sigmoid类似,ReLU的输出均值也大于0,"
            "偏移现象和 神经元死亡会共同影响网络的收敛性。",
        ),
        "As training goes on some ReLU inputs fall into the hard-saturated region for good and "
        'their weights stop updating: "dead neurons". ReLU\'s mean output is also positive. '
        "Offset and dead neurons together hurt convergence.",
        Text("ReLU: dead neurons, positive mean output", "ReLU:神经元死亡,输出均值大于 0"),
    ),
    Claim(
        "C9",
        (
            "当神经元的实际输出与我们的期望输出差距越大,代价就越高。想法非常的好,"
            "然而在实际应用中,我们知道参数的修正是与∂C/∂W和∂C/∂b成正比的",
            "我们发现其中都有σ′(a)这一项。因为sigmoid函数的性质,导致σ′(z)在z取大部分值时会造成饱和现象,"
            "从而使得参数的更新速度非常慢,甚至会造成离期望值越远,更新越慢的现象。",
        ),
        "With the quadratic cost C = (y − a)²/2 the gradients ∂C/∂w and ∂C/∂b both contain "
        "σ′(z): when the neuron saturates it learns slowly — the further from the target, the "
        "slower.",
        Text(
            "Quadratic cost: a saturated neuron learns slowly",
            "平方损失:神经元饱和时学习缓慢",
        ),
    ),
    Claim(
        "C10",
        (
            "与平方损失函数相比,交叉熵函数有个非常好的特质,",
            "可以看到其中没有了σ′这一项,这样一来也就不会受到饱和性的影响了。"
            "当误差大的时候,权重更新就快,当误差小的时候,权重的更新就慢。这是一个很好的性质。",
        ),
        "The cross-entropy cost has no σ′ term in its gradient: the larger the error, the faster "
        "the weights change.",
        Text(
            "Cross-entropy: no σ′ term, larger error learns faster",
            "交叉熵:没有 σ′ 项,误差越大更新越快",
        ),
    ),
    Claim(
        "C11",
        (
            "如果有多个样本,则整个样本的平均交叉熵为",
            "其中n表示样本编号,i表示类别编。 如果用于logistic分类,则上式可以简化成",
        ),
        "Over many samples the cost is the average cross-entropy; for logistic (binary) outputs "
        "it simplifies to −[y ln a + (1 − y) ln(1 − a)].",
        Text(
            "Average cross-entropy; its logistic form",
            "平均交叉熵及其 logistic 简化形式",
        ),
    ),
    Claim(
        "C12",
        (
            "包括三种函数:激活函数、损失函数和优化函数。",
            "GD",
            "ADAGRAD",
            "ADAM",
            "以后继续 学习 ,未完",
        ),
        'The optimization functions are GD, Adagrad and Adam (the notes stop here, "to be '
        'continued").',
        Text("Optimizers: GD, Adagrad, Adam", "优化函数:GD、Adagrad、Adam"),
    ),
)

CLAIMS: dict[str, Claim] = {claim.id: claim for claim in _CLAIMS}
"""Every claim by id, in the seed's order (C1 … C12)."""


def get(claim_id: str) -> Claim:
    """The claim called ``claim_id`` ("C1" … "C12"); a ValueError names the known ids."""
    try:
        return CLAIMS[claim_id]
    except KeyError:
        raise ValueError(
            f"unknown claim {claim_id!r}; the seed's claims are {', '.join(CLAIMS)}"
        ) from None
