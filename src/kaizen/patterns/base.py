"""What every pattern reports: a ``Finding`` (a place, and whether kaizen may rewrite it).

``Evidence`` is what the safety checks may use beyond the source text: element types seen at run
time while the tests ran (filled by the behaviour checks), keyed by the variable or parameter name.

An ``Example`` can be made differential-testable (tests/patterns/test_differential.py runs the
``before`` and ``after`` code on generated inputs and demands identical results, exceptions and
argument mutations): set ``call`` to the name of a function both sources define, and ``args`` to a
Python expression that evaluates, with ``st`` bound to ``hypothesis.strategies``, to a tuple of
strategies, one per positional argument, e.g. ``args="st.lists(st.integers(0, 9)), st.text()"``.
Set ``evidence`` when the rewrite is only allowed with runtime evidence (the registry test passes
it to the fix, exactly as the overnight loop would).
"""

from __future__ import annotations

import ast
from abc import ABC, abstractmethod
from dataclasses import dataclass, field

import libcst as cst


@dataclass(frozen=True)
class Evidence:
    """Runtime facts about a function, gathered while its tests ran."""

    function: str  # qualified name, e.g. "mypkg.orders.match"
    element_types: dict[str, frozenset[str]] = field(default_factory=dict)  # name -> {"int", "str", ...}
    calls_seen: int = 0
    # Types of the value itself (not its elements), keyed by a name or by the source text of an
    # expression such as "row.id": {"list"} for a parameter that was always a list.
    value_types: dict[str, frozenset[str]] = field(default_factory=dict)

    def describe(self) -> str:
        seen = "; ".join(f"{k}: {', '.join(sorted(v))}" for k, v in sorted(self.element_types.items()))
        return f"{self.calls_seen} calls seen ({seen or 'no collections'})"


@dataclass(frozen=True)
class Finding:
    pattern_id: str  # e.g. "KZ101"
    name: str  # short slug, e.g. "nested-loop-join"
    path: str  # posix path relative to the scan root
    line: int  # 1-based
    col: int  # 0-based, as ast reports it
    end_line: int
    message: str
    function: str | None  # qualified name of the enclosing function ("Class.method"), None at module level
    fixable: bool
    reason: str | None = None  # why it is not fixable (None when fixable)

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}:{self.col + 1}"


@dataclass(frozen=True)
class Example:
    """A before/after pair: ``before`` must rewrite to exactly ``after``."""

    before: str
    after: str
    call: str | None = None  # function defined by both sources, called by the differential test
    args: str = ""  # expression over ``st`` (hypothesis.strategies): a tuple of argument strategies
    evidence: Evidence | None = None  # runtime facts the rewrite needs (None: provable statically)


@dataclass(frozen=True)
class Site:
    """One place a detector found, with the facts its safety check needs (all plain values)."""

    line: int
    col: int
    end_line: int
    function: str | None
    message: str
    facts: tuple[tuple[str, object], ...] = ()  # hashable; read with ``fact()``

    def fact(self, key: str, default: object = None) -> object:
        return dict(self.facts).get(key, default)


class RewriteError(Exception):
    """The rewrite cannot be done at this site after all (the caller reports it, it is not a crash)."""


class Pattern(ABC):
    """The shape every catalogue entry has. Subclasses set the class attributes and the three methods.

    - ``detect`` runs on ``ast`` (fast) and returns every site, fixable or not.
    - ``refuse`` is pure: given a site (and runtime evidence when there is any) it returns why the
      place must NOT be rewritten, or None when the rewrite is safe.
    - ``rewrite`` uses libcst on the module and changes only that site, keeping formatting and
      comments; it raises ``RewriteError`` when it cannot.
    """

    id: str = ""  # "KZ101"
    name: str = ""  # "nested-loop-join"
    title: str = ""  # one line for listings
    description: str = ""  # a paragraph for `kaizen patterns`
    hazards: tuple[str, ...] = ()  # what the safety check guards against, in words
    examples: tuple[Example, ...] = ()
    negatives: tuple[str, ...] = ()  # sources that must come back byte-identical from a fix
    # Substrings a source must contain for ``detect`` to be able to find anything (a cheap
    # pre-filter applied before parsing and detection); empty means "always run detect".
    triggers: tuple[str, ...] = ()

    @abstractmethod
    def detect(self, tree: ast.Module, source: str) -> list[Site]: ...

    @abstractmethod
    def refuse(self, site: Site, evidence: Evidence | None = None) -> str | None: ...

    @abstractmethod
    def rewrite(self, module: cst.Module, site: Site) -> cst.Module: ...

    def concerns(self, site: Site, path: str) -> bool:
        """Whether a site found in the module at ``path`` (a file path; "" when unknown) is a
        finding at all. Detectors see a module's text, not where it lives; the few patterns for
        which that matters decide here, from ``place(path)`` alone."""
        return True

    def place(self, path: str) -> str:
        """What ``concerns`` reads of a file's location, as text ("" when nothing): the scan
        cache keys results by it too, so a file moved where it means something else is
        scanned again."""
        return ""
