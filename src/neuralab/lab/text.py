"""The lab's prose, per language: every piece of report text is a :class:`Text` (English and
Chinese), made from a template of an experiment's ``TEXT = {"en": {...}, "zh": {...}}``.

The two languages are written apart, each as it reads best, and the numbers in them are not typed
but filled in from the experiment's parameters: ``say(TEXT, "setup", epochs=300)`` formats the
``"setup"`` template of each language with the same values.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from string import Formatter
from typing import Any

__all__ = ["LANGUAGES", "Text", "current_language", "join", "labels", "language", "say",
           "template_fields"]


@dataclass(frozen=True)
class Text:
    """A piece of report text in English and Chinese (``--lang en|zh``)."""

    en: str
    zh: str

    def __call__(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


LANGUAGES = ("en", "zh")
"""The languages of the report."""

_LANGUAGE: ContextVar[str] = ContextVar("neuralab_lab_language", default="en")


@contextmanager
def language(lang: str) -> Iterator[str]:
    """Within the block, the lab speaks ``lang``: experiments draw their figures in it.

    The report is written in one language, chosen when the lab starts (``lab.run(lang=…)``);
    this hands the choice to every :class:`~neuralab.lab.base.Context` made meanwhile, in the
    serial runner or while a distributed run finishes its experiments here.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be 'en' or 'zh', got {lang!r}")
    token = _LANGUAGE.set(lang)
    try:
        yield lang
    finally:
        _LANGUAGE.reset(token)


def current_language() -> str:
    """The language set by the innermost :func:`language` block ("en" outside any)."""
    return _LANGUAGE.get()


def say(text: Mapping[str, Any], *path: str, **values: Any) -> Text:
    """The template at ``path`` of a per-language ``text`` mapping, formatted in each language.

    ``say(TEXT, "criterion", tol=1e-9)`` is ``Text(TEXT["en"]["criterion"].format(tol=1e-9),
    TEXT["zh"]["criterion"].format(tol=1e-9))``; a longer path walks nested dicts
    (``say(TEXT, "arms", "tanh")``). A :class:`Text` among the values fills each language's
    template with its own language. Templates are :meth:`str.format` strings (write a literal
    brace twice) with two additions for prose: a list's format spec is the separator that joins
    its items (``"{sizes:–}"`` with ``sizes=[64, 30, 10]`` reads "64–30–10"), and negative
    numbers take a true minus sign.
    """
    return Text(*(_FORMATTER.format(_entry(text, lang, path), **_in(lang, values))
                  for lang in LANGUAGES))


def join(*parts: Text) -> Text:
    """Clauses of one sentence, joined with a semicolon in each language's own punctuation."""
    return Text("; ".join(p.en for p in parts), ";".join(p.zh for p in parts))


def labels(text: Mapping[str, Any], *path: str, **values: Any) -> list[Text]:
    """The list of templates at ``path`` (table headers, say), one :class:`Text` per item."""
    en, zh = (_entry(text, lang, path) for lang in LANGUAGES)
    if len(en) != len(zh):
        raise ValueError(f"text {'/'.join(path)!r} has {len(en)} English and {len(zh)} "
                         "Chinese items: give both languages the same list")
    return [Text(_FORMATTER.format(e, **_in("en", values)),
                 _FORMATTER.format(z, **_in("zh", values))) for e, z in zip(en, zh, strict=True)]


class _TextFormatter(Formatter):
    """``str.format`` for prose: a list or tuple with a format spec joins its items with the
    spec, and a negative number takes a true minus sign (−0.5, not -0.5)."""

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, list | tuple) and format_spec:
            return format_spec.join(str(item) for item in value)
        text = super().format_field(value, format_spec)
        if isinstance(value, int | float) and text.startswith("-"):
            return "−" + text[1:]
        return text


_FORMATTER = _TextFormatter()


def _in(lang: str, values: dict[str, Any]) -> dict[str, Any]:
    """``values`` for the text of ``lang``: each :class:`Text` among them in that language."""
    return {key: value(lang) if isinstance(value, Text) else value
            for key, value in values.items()}


def _entry(text: Mapping[str, Any], lang: str, path: tuple[str, ...]) -> Any:
    entry = text[lang]
    for key in path:
        entry = entry[key]
    return entry


def template_fields(template: str) -> set[str]:
    """The names a template reads: ``"{epochs} epochs at {neuron[lr]:g}"`` → {epochs, neuron}."""
    return {name.split("[")[0].split(".")[0]
            for _, name, _, _ in Formatter().parse(template) if name}
