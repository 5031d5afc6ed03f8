"""One registry for every family of named things: activations, losses, optimizers, …

Each family (``activations``, ``losses``, ``optimizers``, ``initializers``, ``schedules``,
``datasets``, the lab's experiments) keeps a :class:`Registry` and answers ``get`` and
``names`` through it, so the same rules hold everywhere:

- A **name** is matched case-insensitively, with ``-``, ``_`` and spaces equivalent
  (``"Leaky-ReLU"`` is ``"leaky_relu"``); an **alias** (``"logistic"`` for ``"sigmoid"``)
  resolves to its canonical name.
- ``names()`` lists the canonical names, sorted; aliases are not included
  (``aliases()`` maps each alias to its name).
- ``get(identifier, **kwargs)`` accepts a name (the entry is called with ``kwargs``), a class
  of the family (called with ``kwargs``) or an instance (returned as it is; no ``kwargs``).
  ``None`` gives the family's ``default`` if it has one, else it is an error.
- Anything else raises ``ValueError`` that lists every known name and alias.

    >>> reg = Registry("activation")
    >>> reg.register("sigmoid", dict, aliases=("logistic",))
    <class 'dict'>
    >>> reg.canonical("Logistic")
    'sigmoid'
"""

from __future__ import annotations

from typing import Any

__all__ = ["Registry", "normalise"]


def normalise(name: str) -> str:
    """The lookup key of a name: stripped, lower case, ``-`` and spaces turned into ``_``."""
    return name.strip().lower().replace("-", "_").replace(" ", "_")


def _article(noun: str) -> str:
    """'an' before a vowel ("an optimizer"), else 'a' ("a loss")."""
    return "an" if noun[:1].lower() in "aeiou" else "a"


class Registry:
    """Names (and aliases) → entries of one family.

    Args:
        family: what the entries are, for error messages ("activation", "loss", …).
        base: the family's base class: its subclasses and instances are accepted by ``get``.
        default: the name ``get(None)`` resolves to; None makes ``get(None)`` an error.
    """

    def __init__(self, family: str, base: type | None = None, default: str | None = None):
        self.family, self.base, self.default = family, base, default
        self._entries: dict[str, Any] = {}  # canonical name → entry
        self._keys: dict[str, str] = {}  # normalised name or alias → canonical name

    def register(self, name: str, entry: Any, aliases: tuple[str, ...] = ()) -> Any:
        """Add ``entry`` under ``name`` (kept as written: it is what ``names()`` shows)."""
        for key in (name, *aliases):
            if normalise(key) in self._keys:
                raise ValueError(f"{self.family} name {key!r} is registered twice")
            self._keys[normalise(key)] = name
        self._entries[name] = entry
        return entry

    def names(self) -> list[str]:
        """The canonical names, sorted (aliases not included)."""
        return sorted(self._entries)

    def aliases(self) -> dict[str, str]:
        """Each alias (normalised) → its canonical name."""
        return {key: name for key, name in sorted(self._keys.items()) if key != normalise(name)}

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and normalise(name) in self._keys

    def canonical(self, name: str) -> str:
        """The canonical name of ``name`` or of one of its aliases; ValueError if unknown."""
        if name not in self:
            raise ValueError(f"unknown {self.family} {name!r}; {self.known()}")
        return self._keys[normalise(name)]

    def entry(self, name: str) -> Any:
        """The registered entry itself (a class or a function), not called."""
        return self._entries[self.canonical(name)]

    def get(self, identifier: Any = None, **kwargs: Any) -> Any:
        """Resolve ``identifier`` by the rules in this module's docstring."""
        if identifier is None:
            if self.default is None:
                raise ValueError(f"{_article(self.family)} {self.family} is required; "
                                 f"{self.known()}")
            identifier = self.default
        if isinstance(identifier, str):
            return self.entry(identifier)(**kwargs)
        if self.base is not None and isinstance(identifier, type) \
                and issubclass(identifier, self.base):
            return identifier(**kwargs)
        if self.base is not None and isinstance(identifier, self.base):
            if kwargs:
                raise ValueError(f"{self.family} arguments {sorted(kwargs)} can only be given "
                                 "with a name or a class, not with an instance")
            return identifier
        kinds = "a name" + (f", a {self.base.__name__} subclass or an instance"
                            if self.base is not None else "")
        raise ValueError(f"cannot use {identifier!r} ({type(identifier).__name__}) as "
                         f"{_article(self.family)} {self.family}: pass {kinds}; {self.known()}")

    def known(self) -> str:
        """"known names: a, b, c; aliases: x (= a)" — the tail of every error message."""
        text = f"known names: {', '.join(self.names())}"
        aliases = self.aliases()
        if aliases:
            text += "; aliases: " + ", ".join(f"{a} (= {n})" for a, n in aliases.items())
        return text

    def __iter__(self):
        return iter(self.names())

    def __repr__(self) -> str:
        return f"Registry({self.family!r}, {self.names()})"

