"""Both languages: the Chinese report and its figures hold no English prose, the figures find a
CJK font (or stay in English, with a note and no warning), the palette is one, the verdicts link
to derivations that exist in the docs, the docs show the lab's figures, and the README's lab
session is what the lab prints. One quick lab run in Chinese serves them all."""

import re
import warnings
from html.parser import HTMLParser
from pathlib import Path

import matplotlib.text
import pytest

import neuralab.lab as lab
from neuralab import activations, losses, optimizers, plots
from neuralab.cli.lab import verdict_table
from neuralab.lab import experiment, report_text

ROOT = Path(__file__).resolve().parents[1]
ALLOWED = {  # names that stay as they are in Chinese text: functions, methods, people, data
    "sigmoid", "tanh", "relu", "leaky", "elu", "selu", "gelu", "silu", "softplus", "softsign",
    "softmax", "adam", "adamw", "adagrad", "rmsprop", "sgd", "gd", "nesterov", "mnist",
    "digits", "xor", "xavier", "he", "nielsen", "glorot", "bengio", "kingma", "ba", "lecun",
    "bottou", "orr", "müller", "bordes", "rosenbrock", "numpy", "neuralab", "float", "ln",
    "exp", "kl", "dense", "fit", "python", "logistic"}
CODE_NAMES = {*activations.names(), *optimizers.names(), *losses.names(),
              *experiment.REGISTRY.names()}


def english_words(text: str) -> set[str]:
    """Words of Latin letters that are neither allowed names nor code (a_b, net2, file.py)."""
    text = re.sub(r"《[^》]*》", "", text)  # titles of English papers stay in English
    words = set()
    for token in re.findall(r"[A-Za-zÀ-ÿ][\wÀ-ÿ.\-]*", text):
        if re.search(r"[\d_.]", token.strip(".")) or token.lower() in CODE_NAMES:
            continue
        words |= {w.lower() for w in re.findall(r"[A-Za-zÀ-ÿ]{2,}", token)}
    return words - ALLOWED


class Visible(HTMLParser):
    """The text a reader of the Chinese report reads as Chinese: not code, not the seed's own
    words or their English translation, not the glossary's English column."""

    SKIP = {"code", "style", "script", "title"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.text = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        skip = (tag in self.SKIP or attrs.get("lang") == "en"
                or attrs.get("class") in ("seed", "translation"))
        if tag not in ("img", "meta", "br"):
            self.stack.append(skip or (bool(self.stack) and self.stack[-1]))

    def handle_endtag(self, tag):
        if self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1] is True):
            self.text.append(data)


@pytest.fixture(scope="module")
def zh_run(tmp_path_factory):
    """The quick lab in Chinese, with every text drawn in a figure recorded."""
    drawn: dict[str, list[str]] = {}
    original = plots.save

    def save(fig, path, **kwargs):
        drawn[Path(path).name] = [t.get_text() for t in fig.findobj(matplotlib.text.Text)
                                  if t.get_text()]
        return original(fig, path, **kwargs)

    out = tmp_path_factory.mktemp("lab-zh")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(plots, "save", save)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a missing glyph would warn
            results = lab.run(quick=True, out=out, lang="zh", progress=False)
    return results, out, drawn


def test_the_chinese_report_has_no_english_prose(zh_run):
    _, out, _ = zh_run
    parser = Visible()
    parser.feed((out / "report.html").read_text(encoding="utf-8"))
    text = "".join(parser.text)
    assert "中英术语对照" in text and "已复现" in text
    assert english_words(text) == set()


def test_the_chinese_figures_have_no_english_words(zh_run):
    _, out, drawn = zh_run
    assert len(drawn) == 19
    if plots.cjk_font() is None:
        pytest.skip("no CJK font here: the figures stay in English (tested below)")
    for name, texts in drawn.items():
        assert any(re.search(r"[\u4e00-\u9fff]", t) for t in texts), name
        assert english_words(" ".join(texts)) == set(), name


def test_every_verdict_has_a_finding_and_a_derivation_that_exists(zh_run):
    results, _, _ = zh_run
    anchors = doc_anchors()
    for result in results:
        for verdict in result.verdicts:
            assert verdict.finding.en and verdict.finding.zh, (result.id, verdict.claim)
            page, _, anchor = verdict.derivation.partition("#")
            assert anchor in anchors[page], verdict.derivation


def test_the_readme_lab_session_is_what_the_lab_prints(zh_run):
    results, _, _ = zh_run
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("$ neuralab lab --quick\n") + len("$ neuralab lab --quick\n")
    shown = readme[start:readme.index("report: lab-report/report.html", start)].rstrip("\n")
    assert shown == verdict_table(results, "en")


def slug(heading: str) -> str:
    """The anchor MkDocs (Python-Markdown's toc) gives a heading."""
    import unicodedata

    value = unicodedata.normalize("NFKD", heading).encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[^\w\s-]", "", value).strip().lower()
    return re.sub(r"[-\s]+", "-", value)


def doc_anchors() -> dict[str, set[str]]:
    pages = ("activations.md", "losses.md", "optimizers.md", "exercises.md")
    return {page: {slug(line.lstrip("#").strip())
                   for line in (ROOT / "docs" / page).read_text(encoding="utf-8").splitlines()
                   if line.startswith("#")} for page in pages}


def test_doc_sections_show_the_lab_figures_and_links_resolve():
    figures = ROOT / "docs" / "figures"
    shown = set()
    for page in ("activations.md", "losses.md", "optimizers.md", "exercises.md"):
        text = (ROOT / "docs" / page).read_text(encoding="utf-8")
        shown |= set(re.findall(r"\(figures/(lab-[\w-]+\.png)\)", text))
        for target in re.findall(r"\]\(([\w-]+\.md)#([\w-]+)\)", text):
            assert target[1] in doc_anchors()[target[0]], target
    assert {f"lab-{name}.png" for name in lab_figure_names()} <= shown
    assert all((figures / name).is_file() for name in shown)


def lab_figure_names():
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_lab_figures",
                                                  ROOT / "scripts" / "make_lab_figures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.FIGURES


@pytest.mark.parametrize("phrase", ["种子文档", "隐层", "陡 4 倍", "(各种子", "library default"])
def test_old_wordings_are_gone(phrase):
    texts = [str(e.prose()) for e in experiment.selected()]
    texts += [str(report_text.TEXT), str(report_text.SEED_POINTS)]
    assert not any(phrase in t for t in texts)


def test_one_palette_one_colour_per_concept():
    seen: dict[str, str] = {}
    for family, colours in plots.PALETTE.items():
        for name, colour in colours.items():
            concept = f"{family}:{name}".replace("binary_", "")  # one idea, one colour
            assert seen.setdefault(colour.lower(), concept) == concept, (colour, concept,
                                                                         seen[colour.lower()])
    assert plots.layer_color(1) == plots.PALETTE["layer"]["1"]
    assert plots.schedule_color("step_decay") == plots.schedule_color("step")
    with pytest.raises(ValueError, match="hidden layer 9"):
        plots.layer_color(9)


def test_figures_in_chinese_draw_without_warnings(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with plots.figure_style("zh") as drawn:
            fig, ax = plots.subplots()
            ax.set_title("隐藏层的学习速度 ‖∂C/∂b‖" if drawn == "zh" else "speed")
            plots.save(fig, tmp_path / "zh.png")
    assert drawn == ("zh" if plots.cjk_font() else "en")


def test_without_a_cjk_font_figures_stay_in_english_and_the_report_says_so(tmp_path,
                                                                            monkeypatch):
    monkeypatch.setattr(plots, "cjk_font", lambda: None)
    assert plots.figure_language("zh") == "en" and plots.figure_language("en") == "en"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        (result,) = lab.run(["loss_slowdown"], quick=True, out=tmp_path, lang="zh",
                            progress=False)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<code>apt-get install fonts-noto-cjk</code>" in page


def test_a_font_installed_after_matplotlibs_cache_is_found(monkeypatch):
    if plots.cjk_font() is None:
        pytest.skip("no CJK font on this machine")
    manager = plots.font_manager.fontManager
    files = {f.fname for f in manager.ttflist if f.name in plots.CJK_FAMILIES}
    without = [f for f in manager.ttflist if f.fname not in files]
    monkeypatch.setattr(manager, "ttflist", without)  # as if the cache predates the font
    plots.cjk_font.cache_clear()
    try:
        assert plots.cjk_font() in plots.CJK_FAMILIES  # found on disk and added
    finally:
        plots.cjk_font.cache_clear()


def test_the_ci_installs_the_cjk_font():
    assert "fonts-noto-cjk" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
