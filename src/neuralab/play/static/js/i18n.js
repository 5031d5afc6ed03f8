// The page's words in English and Chinese. Elements name their text with data-i18n (content)
// and data-i18n-title (tooltip); code asks t(key). The claims' words come from the server.

const STRINGS = {
  en: {
    title: "playground", reset: "Reset the network", play: "Run / pause", step: "One epoch",
    epoch: "Epoch", lr: "Learning rate", activation: "Activation", loss: "Loss",
    optimizer: "Optimizer", schedule: "LR schedule", init: "Initializer",
    reg: "Regularization", reg_rate: "Reg. rate", dropout: "Dropout", speed: "Steps / frame",
    classroom: "Classroom", classroom_help: "Choose controls to hide for a class",
    classroom_text: "Tick what to hide, then share the URL: the page opens with those controls hidden.",
    reset_network: "Reset the network", presets: "Claims of the seed — one click sets them up:",
    data: "Data", which_dataset: "Which data set?", classes: "Classes",
    ratio: "Training data", noise: "Noise", batch: "Batch size", regenerate: "Regenerate",
    seed: "seed", upload: "Your CSV (x1, x2, label)", hidden_layers: "hidden layers",
    network_hint: "Click a feature to switch it; hover a neuron to see it large; click a connection to edit its weight.",
    output: "Output", test_loss: "Test loss", train_loss: "Training loss",
    test_accuracy: "Test accuracy", show_test: "Show test data",
    discretize: "Discretize output", export_model: "Download model (.safetensors)",
    export_code: "Python code", race: "Optimizer race", surface: "Surface",
    race_start: "Start", race_stop: "Stop", race_hint: "Tick optimizers, press Start",
    diagnostics: "What the seed is about, live (on the training set)",
    footer: "Training runs in neuralab on this machine; nothing leaves it.",
    layer_n: "Layer {n}", output_layer: "Output", neurons: "neurons", per_layer: "(per layer)",
    speed_head: "Speed of learning ‖∂C/∂b‖ (log)", saturated_head: "Saturated",
    dead_head: "Dead", mean_head: "Mean activation",
    speed_text: "Speed of learning ‖∂C/∂b‖ per layer, log scale: bars shrinking towards the input are the vanishing gradient of sigmoid networks (C4); ReLU keeps them level (C7).",
    saturated_text: "Saturated: the share of units whose f′(z) is below 1% of its maximum — the soft saturation of sigmoid and tanh (C3, C6) that slows learning (C9).",
    dead_text: "Dead: the share of units that output exactly 0 for every training point — dead ReLUs that never learn again (C8).",
    mean_text: "Mean activation: sigmoid sits near 0.5, an offset the next layer receives (C5); tanh is near 0 (C6); ReLU is positive too (C8).",
    heatmap_hover: "Neuron", heatmap_output: "Output of the network",
    diverged: "The network diverged.", too_large: "The file is larger than the limit of",
    bytes: "bytes", downloaded: "Downloaded", notes: "Note",
    steps: "steps", status_converged: "converged", status_running: "running",
    status_out: "left the square", status_diverged: "diverged",
    hide: "hide", disconnected: "The connection to the playground server closed. Reload the page to start again.",
  },
  zh: {
    title: "游乐场", reset: "重置网络", play: "运行 / 暂停", step: "训练一轮",
    epoch: "轮次", lr: "学习率", activation: "激活函数", loss: "损失函数",
    optimizer: "优化函数", schedule: "学习率调度", init: "初始化",
    reg: "正则化", reg_rate: "正则化率", dropout: "Dropout", speed: "每帧步数",
    classroom: "课堂模式", classroom_help: "为课堂选择要隐藏的控件",
    classroom_text: "勾选要隐藏的控件,然后分享网址:页面打开时这些控件就是隐藏的。",
    reset_network: "重置网络", presets: "笔记中的论断——一键重现:",
    data: "数据", which_dataset: "选择数据集", classes: "类别数",
    ratio: "训练数据比例", noise: "噪声", batch: "批大小", regenerate: "重新生成",
    seed: "种子", upload: "上传 CSV(x1, x2, 标签)", hidden_layers: "个隐藏层",
    network_hint: "点击特征可开关;鼠标悬停在神经元上可放大;点击连线可修改权重。",
    output: "输出", test_loss: "测试损失", train_loss: "训练损失",
    test_accuracy: "测试准确率", show_test: "显示测试数据",
    discretize: "离散化输出", export_model: "下载模型 (.safetensors)",
    export_code: "Python 代码", race: "优化函数比赛", surface: "损失曲面",
    race_start: "开始", race_stop: "停止", race_hint: "勾选优化函数,然后点“开始”",
    diagnostics: "笔记所讲的现象,实时显示(在训练集上)",
    footer: "训练在本机的 neuralab 中进行,数据不会离开本机。",
    layer_n: "第 {n} 层", output_layer: "输出层", neurons: "个神经元", per_layer: "(逐层)",
    speed_head: "学习速度 ‖∂C/∂b‖(对数)", saturated_head: "饱和比例",
    dead_head: "死亡比例", mean_head: "平均激活",
    speed_text: "各层的学习速度 ‖∂C/∂b‖,对数刻度:越靠近输入越短,就是 sigmoid 网络的梯度消失(C4);ReLU 让各层保持同一水平(C7)。",
    saturated_text: "饱和比例:f′(z) 低于其最大值 1% 的单元所占比例——sigmoid 和 tanh 的软饱和(C3、C6),它让学习变慢(C9)。",
    dead_text: "死亡比例:对所有训练点输出都恰好为 0 的单元所占比例——不再学习的“死亡” ReLU(C8)。",
    mean_text: "平均激活:sigmoid 在 0.5 附近,下一层收到有偏移的输入(C5);tanh 接近 0(C6);ReLU 也为正(C8)。",
    heatmap_hover: "神经元", heatmap_output: "网络的输出",
    diverged: "网络发散了。", too_large: "文件超过了大小上限",
    bytes: "字节", downloaded: "已下载", notes: "提示",
    steps: "步", status_converged: "已收敛", status_running: "进行中",
    status_out: "离开了区域", status_diverged: "发散",
    hide: "隐藏", disconnected: "与游乐场服务器的连接已关闭。请刷新页面重新开始。",
  },
};

let language = "en";

/** The current language's text for `key` (English if the key has no translation). */
export function t(key) {
  return STRINGS[language][key] ?? STRINGS.en[key] ?? key;
}

export function currentLanguage() { return language; }

/** Switch the page to `lang` ("en" or "zh") and rewrite every labelled element. */
export function setLanguage(lang) {
  language = lang in STRINGS ? lang : "en";
  document.documentElement.lang = language === "zh" ? "zh-CN" : "en";
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll("[data-i18n-title]")) {
    el.title = t(el.dataset.i18nTitle);
  }
}
