"""MkDocs hooks that put the neuralab site together (mkdocs.yml ``hooks:``).

- ``on_config``: the navigation. Tutorials in reading order, then every ``docs/*.md`` page as a
  guide (a page that lands in docs/ shows up without editing this file), the seed, the lab
  report, the API reference and the changelog.
- ``on_files``: pages made at build time. The lab runs in its quick form and its verdicts,
  figures and self-contained report become the "Lab report" section (:mod:`lab_page`); each
  public module of the package gets an API reference page that mkdocstrings fills from its
  docstrings.
- ``on_page_markdown``: a link from a page to a file of the repository outside docs/ (a source
  file, the benchmarks) becomes a link to that file in the repository, if the file exists; a
  link to a missing file is left alone, so the strict build fails on it.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path

from mkdocs.structure.files import File

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lab_page  # noqa: E402 (scripts/ is not a package: found through the path set above)

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "neuralab"
TUTORIALS = ("getting-started", "three-families", "lab", "playground", "sweeps", "sklearn",
             "export", "notebooks")
GUIDES = ("activations", "losses", "optimizers", "sklearn", "sweeps", "playground",
          "architecture")
LINK = re.compile(r"(\]\()([^)#\s]+)(#[^)\s]*)?(\))")

_built: dict[str, Path] = {}


def _ordered(paths: list[str], order: tuple[str, ...]) -> list[str]:
    rank = {name: i for i, name in enumerate(order)}
    return sorted(paths, key=lambda p: (rank.get(Path(p).stem, len(order)), p))


def reference_modules() -> list[str]:
    """``neuralab`` and each public module or subpackage directly under it, sorted."""
    names = [p.stem for p in PACKAGE.glob("*.py") if not p.stem.startswith("_")]
    names += [p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()]
    return ["neuralab", *sorted(f"neuralab.{n}" for n in names)]


def on_config(config):
    """Write the navigation from the files in docs/ and the pages made at build time."""
    docs = Path(config["docs_dir"])
    tutorials = [f"tutorials/{p.name}" for p in (docs / "tutorials").glob("*.md")]
    guides = [p.name for p in docs.glob("*.md") if p.name not in ("index.md", "changelog.md")]
    config["nav"] = [
        {"Home": "index.md"},
        {"Tutorials": _ordered(tutorials, TUTORIALS)},
        {"Guides": _ordered(guides, GUIDES)},
        {"The seed": ["seed/CLAIMS.md", "seed/notes.md"]},
        {"Lab report": "lab/index.md"},
        {"API reference": [{m: f"reference/{m}.md"} for m in reference_modules()]},
        {"Changelog": "changelog.md"},
    ]
    os.environ.setdefault("MPLBACKEND", "Agg")  # the lab draws its figures without a display
    return config


def _lab_output() -> Path:
    """The folder of a quick lab run, made once per build process."""
    if "lab" not in _built:
        out = Path(tempfile.mkdtemp(prefix="neuralab-docs-lab-"))
        from neuralab import lab

        lab.run(quick=True, out=out, progress=False)
        _built["lab"] = out
    return _built["lab"]


def on_files(files, config):
    """Add the lab report and the API reference pages."""
    out = _lab_output()
    files.append(File.generated(config, "lab/index.md", content=lab_page.markdown(out)))
    for path in sorted(out.glob("*.png")) + [out / "report.html"]:
        files.append(File.generated(config, f"lab/{path.name}", abs_src_path=str(path)))
    for module in reference_modules():
        content = f"::: {module}\n    options:\n      heading_level: 1\n"
        files.append(File.generated(config, f"reference/{module}.md", content=content))
    return files


def on_page_markdown(markdown, page, config, files):
    """Point links to repository files outside docs/ at the repository."""
    docs = Path(config["docs_dir"]).resolve()
    here = (docs / page.file.src_uri).parent
    repo = config["repo_url"].rstrip("/")

    def rewrite(match: re.Match) -> str:
        start, target, anchor, end = match.groups()
        if "://" in target or target.startswith(("mailto:", "/")):
            return match.group(0)
        path = (here / target).resolve()
        if path.is_relative_to(docs) or not path.is_relative_to(ROOT) or not path.exists():
            return match.group(0)
        kind = "tree" if path.is_dir() else "blob"
        relative = path.relative_to(ROOT).as_posix()
        return f"{start}{repo}/{kind}/main/{relative}{anchor or ''}{end}"

    return LINK.sub(rewrite, markdown)
