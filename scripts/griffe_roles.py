"""A griffe extension for the docs site: Sphinx roles in docstrings read as code in Markdown.

neuralab's docstrings name other objects the Sphinx way (``:func:`neuralab.training.fit```,
``:class:`~neuralab.lab.Experiment```), and end a paragraph with ``::`` before an indented
example. mkdocstrings renders docstrings as Markdown, where both would show literally: this
turns a role into inline code (``~`` keeps only the last name, as Sphinx shows it) and ``::``
into ``:``. Used by mkdocs.yml (mkdocstrings' ``extensions``).
"""

from __future__ import annotations

import re

import griffe

ROLE = re.compile(r":(?:func|class|mod|meth|data|attr|obj|exc|const):`(~?)([^`]+)`")


def _code(match: re.Match) -> str:
    short, target = match.groups()
    return f"`{target.rsplit('.', 1)[-1] if short else target}`"


def markdown(text: str) -> str:
    """The docstring ``text`` with Sphinx roles as code spans and ``::`` as ``:``."""
    text = ROLE.sub(_code, text)
    return re.sub(r"(?<=\S)::(?=\n)", ":", text)


class SphinxRoles(griffe.Extension):
    """Rewrite each object's docstring with :func:`markdown` as griffe loads it."""

    def on_instance(self, *, node, obj, agent, **kwargs) -> None:
        if obj.docstring is not None:
            obj.docstring.value = markdown(obj.docstring.value)
