"""More inputs for a function, shaped like the ones its tests passed, generated with hypothesis.

The generated values stay inside the types the tests showed (an int-only parameter never gets a
float: a rewrite may rely on what the program really passes, and the patterns' safety checks
allowed it on that evidence), but push on the edges a rewrite can get wrong: empty collections,
duplicates and ties (small value ranges, lists drawn from a few values), NaN, ±0.0 and infinities
for floats, 1 / 1.0 / True mixes wherever more than one numeric type was seen, and unhashable
elements wherever they occurred. Objects of other types are drawn from the pickled samples the
tests passed, each use a fresh copy, so equal-but-distinct objects meet (where an ``__eq__`` and a
``__hash__`` that disagree show up).

Generation runs here, in kaizen (the project's interpreter may not have hypothesis); the result
is a *template* of builtins in which ``(REF, i)`` stands for pool sample ``i``, rebuilt in the
replay process. A case is one call, or the same arguments under several values of the globals
the function reads.
"""

from __future__ import annotations

import contextlib
import math
import pickle
import random
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kaizen.verify.capture import Captured, Shape

REF = "\x00kaizen-ref"  # must match _child/_kaizen_replay.py
MAX_DEPTH = 3
MAX_SIZE = 8
MIN_DRAWS = 12  # even on a machine too busy for the time box: the first draws are the simplest
VARIANTS = 8  # fillings of each drawn structure
VOCAB = 4  # values per atom type in one case: few enough to collide, enough to differ
_MIXES = (0, 1, 0.0, 1.0, -0.0, True, False)
_EDGES = {"float": (0.0, -0.0, math.nan, math.inf, -math.inf), "int": (0, -1), "str": ("",)}  # drawn as often as samples
_ATOMS = ("int", "float", "bool", "str", "bytes", "complex", "NoneType")
Vocab = dict[str, list[Any]]  # atom type name -> the few values one case draws from
Template = list[tuple[tuple[Any, ...], dict[str, Any], dict[str, Any]]]  # one case: its calls


def generate(captured: Captured, seconds: float, limit: int = 600) -> list[Template]:
    """Distinct cases, smallest first as hypothesis makes them, for about ``seconds``.

    Hypothesis draws a case's structure and its vocabulary; each structure is then filled
    ``VARIANTS`` times, the extra times choosing afresh, place by place, among the same few words
    (so different places collide each time). Filling costs microseconds where a hypothesis draw costs a
    millisecond or more, and collisions are what most wrong rewrites trip on.
    """
    from hypothesis import HealthCheck, Phase, Verbosity, given, settings
    from hypothesis.configuration import set_hypothesis_home_dir

    # Hypothesis keeps caches (constants, unicode tables) under ./.hypothesis; kaizen runs in the
    # user's repository and must never write there.
    set_hypothesis_home_dir(str(Path(tempfile.gettempdir()) / "kaizen-hypothesis"))
    strategy = case_strategy(captured)
    if strategy is None or seconds <= 0:
        return []
    drawn: list[tuple[Any, Vocab]] = []
    deadline = time.monotonic() + seconds

    class Enough(BaseException):  # not an Exception: hypothesis stops at once, no failure report
        pass

    @settings(max_examples=limit, database=None, deadline=None, phases=[Phase.generate], derandomize=True,
              suppress_health_check=list(HealthCheck), verbosity=Verbosity.quiet)  # fmt: skip
    @given(strategy)
    def collect(case: tuple[Any, Vocab]) -> None:
        drawn.append(case)
        if (time.monotonic() > deadline and len(drawn) >= MIN_DRAWS) or len(drawn) * VARIANTS >= limit:
            raise Enough

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with contextlib.suppress(Enough):
            collect()
    return _fill_all(drawn, limit)


def _fill_all(drawn: list[tuple[Any, Vocab]], limit: int) -> list[Template]:
    rng = random.Random(0)
    found: dict[bytes, Template] = {}
    for skeleton, vocab in drawn:
        for variant in range(VARIANTS):
            chance = rng if variant else None
            args, kwargs = _fill(skeleton[0], vocab, chance)  # once: every call of a case gets the same
            case: Template = [(args, kwargs, _fill(g, vocab, chance)) for g in skeleton[1]]
            found.setdefault(pickle.dumps(case, 4), case)
    return list(found.values())[:limit]


def case_strategy(captured: Captured) -> Any:
    """Each case first draws a small vocabulary per atom type (two to four ints, strs, ...), then
    builds every argument from it: keys collide across arguments (a join finds its matches),
    values repeat inside a list (duplicates and ties), and the edges (NaN, "", 0) come up often."""
    from hypothesis import strategies as st

    if call_strategy(captured) is None:
        return None
    samples: dict[str, list[Any]] = {}
    pools: dict[str, list[int]] = {}  # "pool:<type>" -> every sample of that type, wherever seen
    for shape in [*captured.shapes.values(), *captured.global_shapes.values()]:
        _collect_samples(shape, samples, pools)
    words = {name: st.lists(_atom(name, seen), min_size=2, max_size=VOCAB) for name, seen in samples.items()}
    refs = {kind: st.just([(REF, i) for i in indices]) for kind, indices in pools.items()}
    vocab = st.fixed_dictionaries({**words, **refs})
    return st.tuples(_skeleton(captured), vocab)


def _skeleton(captured: Captured) -> Any:
    """((args, kwargs), [globals of each call]) with ``_Word`` placeholders for atoms, filled from
    the vocabulary afterwards so that no strategy has to be built per example."""
    from hypothesis import strategies as st

    call = call_strategy(captured)
    if not captured.global_shapes:
        return st.tuples(call, st.just([{}]))
    state = st.fixed_dictionaries({name: value_strategy(shape) for name, shape in sorted(captured.global_shapes.items())})
    return st.tuples(call, st.lists(state, min_size=1, max_size=3))


@dataclass(frozen=True)
class _Word:
    kind: str  # atom type name
    index: int  # into that type's vocabulary, modulo its length


def _fill(value: Any, vocab: Vocab, rng: random.Random | None = None) -> Any:
    """Put words in the placeholders: hypothesis's choice, or with ``rng`` a fresh choice per place."""
    cls = type(value)
    if cls is _Word:
        words = vocab[value.kind]
        return rng.choice(words) if rng is not None else words[value.index % len(words)]
    if cls in (list, tuple, set, frozenset):
        return cls(_fill(v, vocab, rng) for v in value)
    if cls is dict:
        return {_fill(k, vocab, rng): _fill(v, vocab, rng) for k, v in value.items()}
    return value


def call_strategy(captured: Captured) -> Any:
    """(args, kwargs) as the function's signature takes them; None when it cannot be called
    from what was seen (a positional-only parameter never passed, say)."""
    from hypothesis import strategies as st

    if not captured.seen:
        return None
    positional: list[Any] = []
    keywords: dict[str, Any] = {}
    star: Any = st.just(())
    star_kw: Any = st.just({})
    gap = False
    for name, kind in captured.params:
        shape = captured.shapes.get(name)
        if kind in ("POSITIONAL_ONLY", "POSITIONAL_OR_KEYWORD"):
            if shape is None:
                gap = True  # a default was used: the later ones go by keyword
            elif not gap:
                positional.append(value_strategy(shape))
            elif kind == "POSITIONAL_OR_KEYWORD":
                keywords[name] = value_strategy(shape)
            else:
                return None
        elif kind == "VAR_POSITIONAL" and shape and not gap:
            star = value_strategy(shape).filter(lambda v: isinstance(v, tuple))
        elif kind == "KEYWORD_ONLY" and shape:
            keywords[name] = value_strategy(shape)
        elif kind == "VAR_KEYWORD" and shape:
            star_kw = value_strategy(shape).filter(lambda v: isinstance(v, dict))
    return st.tuples(st.tuples(*positional), st.fixed_dictionaries(keywords), star, star_kw).map(
        lambda p: ((*p[0], *p[2]), {**p[3], **p[1]})
    )


def value_strategy(shape: Shape, depth: int = 0) -> Any:
    from hypothesis import strategies as st

    options = [s for name, info in sorted(shape.items()) if (s := _of_type(name, info, depth)) is not None]
    if len({"bool", "int", "float"} & set(shape)) >= 2:
        options.append(st.sampled_from(_MIXES))
    return st.one_of(options) if options else st.nothing()


def _collect_samples(shape: Shape, into: dict[str, list[Any]], pools: dict[str, list[int]]) -> None:
    """Atom samples and pooled objects by type, from every place in the shape."""
    for name, info in shape.items():
        if name in _ATOMS:
            into.setdefault(name, []).extend(info.get("samples", []))
        if info.get("pool"):
            pools.setdefault(f"pool:{name}", []).extend(i for i in info["pool"] if i not in pools.get(f"pool:{name}", []))
        for part in ("elem", "key", "value"):
            if part in info:
                _collect_samples(info[part], into, pools)
        for place in info.get("positions", []):
            _collect_samples(place, into, pools)



def _atom(name: str, samples: list[Any]) -> Any:
    from hypothesis import strategies as st

    free: dict[str, Callable[[], Any]] = {
        "int": lambda: st.integers(min(samples, default=0) - 2, max(samples, default=8) + 2),
        "float": lambda: _floats(samples),
        "bool": st.booleans,
        "str": lambda: st.text(_alphabet(samples, "ab"), max_size=3),
        "bytes": lambda: st.binary(max_size=3),
        "complex": lambda: st.complex_numbers(max_magnitude=10),
        "NoneType": st.none,
    }
    distinct = list({(type(s), s): s for s in samples if s == s}.values()) + [s for s in samples if s != s]
    edges = [st.sampled_from(_EDGES[name])] if name in _EDGES else []
    return st.one_of(*edges, *([st.sampled_from(distinct)] if distinct else []), free[name]())


def _of_type(name: str, info: dict[str, Any], depth: int) -> Any:
    from hypothesis import strategies as st

    if name in _ATOMS:
        return st.integers(0, VOCAB - 1).map(lambda i: _Word(name, i))
    if "pool" in info:  # an object of a type the tests passed: any of them, like an atom
        return st.integers(0, VOCAB - 1).map(lambda i: _Word(f"pool:{name}", i)) if info["pool"] else None
    size = min(max(int(info.get("max_len", 0)), 2) + 2, MAX_SIZE)
    if name == "dict":
        if depth >= MAX_DEPTH or not info["key"]:
            return st.just({})
        if info.get("records"):  # records: the observed key sets, each field shaped as seen
            fields = info["fields"]
            return st.one_of([st.tuples(*(value_strategy(fields[k], depth + 1) for k in keys)).map(_record_of(keys)) for keys in info["records"]])
        return st.dictionaries(value_strategy(info["key"], depth + 1), value_strategy(info["value"], depth + 1), max_size=size)
    if name not in ("list", "tuple", "set", "frozenset"):
        return None
    if name == "tuple" and len(info.get("lens", [])) == 1 and "positions" in info:
        return st.tuples(*(value_strategy(p, depth + 1) for p in info["positions"]))
    if depth >= MAX_DEPTH or not info["elem"]:
        return st.just({"list": [], "tuple": (), "set": set(), "frozenset": frozenset()}[name])
    elem = value_strategy(info["elem"], depth + 1)
    # half short (empty, one, two), half long enough for duplicates and ties to meet
    items = st.one_of(st.lists(elem, max_size=2), st.lists(elem, min_size=3, max_size=size))
    convert: dict[str, Callable[[list[Any]], Any]] = {"list": list, "tuple": tuple, "set": _set_of(set), "frozenset": _set_of(frozenset)}
    return items.map(convert[name])


def _floats(samples: list[Any]) -> Any:
    from hypothesis import strategies as st

    finite = [s for s in samples if isinstance(s, float) and math.isfinite(s)] or [0.0, 1.0]
    return st.floats(min(finite) - 10, max(finite) + 10)


def _alphabet(samples: list[Any], default: str) -> str:
    letters = sorted({c for s in samples if isinstance(s, str) for c in s})[:8]
    return "".join(letters) or default


def _record_of(keys: list[str]) -> Callable[[tuple[Any, ...]], dict[str, Any]]:
    # the keys in the order the program made them (hypothesis's fixed_dictionaries may reorder)
    return lambda values: dict(zip(keys, values, strict=True))


def _set_of(kind: type) -> Callable[[list[Any]], Any]:
    def convert(items: list[Any]) -> Any:
        try:
            return kind(items)
        except TypeError:  # an unhashable element: the tests never put one in a set either
            return kind()

    return convert
