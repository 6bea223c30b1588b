"""KZ112 heavy-import: a module-level import of a known heavy library (numpy, pandas, torch, ...)
that only function bodies use costs every importer its start-up time, even when the functions
never run. Importing it inside those functions defers the cost to the first call.

Moving an import changes what the module exposes, so the rewrite is made only when that is
declared not to matter: ``__all__`` lists the public names and this one is not among them (or
the name is private), and nothing evaluated at import time (class bodies, decorators,
defaults, annotations) uses it. Everything else is reported only.
"""

from __future__ import annotations

import ast
from pathlib import PurePath

import libcst as cst

from kaizen.patterns import cstedit
from kaizen.patterns.base import Evidence, Example, Pattern, RewriteError, Site
from kaizen.patterns.scopes import bindings, declared, parent_map
from kaizen.patterns.tree import walk

HEAVY = frozenset({
    "numpy", "pandas", "scipy", "matplotlib", "torch", "sklearn", "sympy", "tensorflow", "keras",
    "requests", "seaborn", "plotly", "bokeh", "statsmodels", "numba", "jax", "transformers", "cv2",
    "boto3", "botocore", "dask", "pyarrow", "polars", "xarray", "networkx", "nltk", "spacy",
    "openpyxl", "sqlalchemy", "pydantic", "docutils", "IPython", "altair", "skimage", "PIL",
})  # fmt: skip
_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)


class HeavyImport(Pattern):
    id = "KZ112"
    name = "heavy-import"
    title = "heavy library imported at module level but used only inside functions: import it there"
    description = (
        "Importing numpy, pandas, torch and the like takes tens to hundreds of milliseconds. When "
        "only function bodies use the name, importing it inside them makes importing this module "
        "(and every CLI start-up and test collection that does) that much faster."
    )
    hazards = (
        "other modules reading the name from this one (no __all__, or listed in __all__)",
        "uses evaluated at import time: class bodies, decorators, default values, annotations",
        "the name rebound, deleted or declared global anywhere, or shadowed in a using function",
        "import statements binding several names, conditional or star imports (not rewritten)",
        "each call of the using function then pays a sys.modules lookup (special methods are refused; measure the rest)",
    )
    triggers = ("import",)
    examples = (
        Example(
            before=(
                '"""Stats helpers."""\n\nimport numpy as np  # heavy\n\n__all__ = ["mean"]\n\n\n'
                'def mean(xs: list[float]) -> float:\n    """Arithmetic mean."""\n    return float(np.mean(xs)) if xs else 0.0\n'
            ),
            after=(
                '"""Stats helpers."""\n\n__all__ = ["mean"]\n\n\n'
                'def mean(xs: list[float]) -> float:\n    """Arithmetic mean."""\n    import numpy as np  # heavy\n'
                "    return float(np.mean(xs)) if xs else 0.0\n"
            ),
            call="mean",
            args="st.lists(st.integers(-5, 5), max_size=4),",
        ),
    )
    negatives = (
        "import numpy as np\n\n\ndef mean(xs):\n    return np.mean(xs)\n",
        'import numpy as np\n\n__all__ = ["mean", "np"]\n\n\ndef mean(xs):\n    return np.mean(xs)\n',
        'import numpy as np\n\n__all__ = ["f"]\n\n\ndef f(x: np.ndarray) -> float:\n    return float(np.sum(x))\n',
        'import numpy as np\n\n__all__ = ["C"]\n\n\nclass C:\n    zero = np.zeros(3)\n',
        'import pandas as pd\n\n__all__ = ["f"]\n\n\ndef f(x, empty=pd.DataFrame()):\n    return pd.concat([x, empty])\n',
        'import os\n\n__all__ = ["f"]\n\n\ndef f():\n    return os.getcwd()\n',
        'import numpy as np, os\n\n__all__ = ["f"]\n\n\ndef f():\n    return np.zeros(os.cpu_count())\n',
        'import numpy as np\n\n__all__ = ["f"]\nsquare = lambda x: np.square(x)\n',
    )

    def detect(self, tree: ast.Module, source: str) -> list[Site]:
        parents: dict[ast.AST, ast.AST] | None = None
        sites = []
        for stmt in tree.body:
            if not isinstance(stmt, (ast.Import, ast.ImportFrom)) or (isinstance(stmt, ast.ImportFrom) and stmt.level):
                continue
            for alias in stmt.names:
                root = (alias.name if isinstance(stmt, ast.Import) else stmt.module or "").split(".")[0]
                if root not in HEAVY or alias.name == "*":
                    continue
                bound = alias.asname or (alias.name.split(".")[0] if isinstance(stmt, ast.Import) else alias.name)
                parents = parents or parent_map(tree)
                site = _site(stmt, root, bound, tree, parents)
                if site is not None:
                    sites.append(site)
        return sites

    def concerns(self, site: Site, path: str) -> bool:
        """Not in the library's own modules: numpy importing numpy loads nothing new, so moving
        the import saves nothing (a module under a folder named after the library is taken to be
        part of it)."""
        return site.fact("root") not in self.place(path).split(",")

    def place(self, path: str) -> str:
        return ",".join(sorted(HEAVY.intersection(PurePath(path).parts[:-1])))

    def refuse(self, site: Site, evidence: Evidence | None = None) -> str | None:
        reasons = site.fact("reasons", ())
        assert isinstance(reasons, tuple)
        return str(reasons[0]) if reasons else None

    def rewrite(self, module: cst.Module, site: Site) -> cst.Module:
        module, where = cstedit.with_positions(module)
        line = cstedit.find(module, where, cst.SimpleStatementLine, site.line, site.col)
        if line not in module.body:
            raise RewriteError("the import moved since the scan")
        functions = site.fact("functions", ())
        assert isinstance(functions, tuple)
        moved = line.with_changes(leading_lines=[])
        swaps: dict[cst.CSTNode, cst.CSTNode] = {}
        for def_line, name in functions:
            func = cstedit.find_function(module, where, int(def_line), str(name))
            swaps[func] = _with_import(func, moved)
        body = list(module.body)
        index = body.index(line)
        rest = body[index + 1 :]
        if rest:
            after = swaps.get(rest[0], rest[0])
            kept = list(getattr(after, "leading_lines", ()))
            if any(e.comment for e in line.leading_lines):  # comments above it stay where they were
                kept = [*line.leading_lines, *kept]
            elif index == 0:  # the file must not start with the blank lines that followed it
                while kept and kept[0].comment is None:
                    kept.pop(0)
            swaps[rest[0]] = after.with_changes(leading_lines=kept)
        module = module.with_changes(body=[*body[:index], *rest])
        return module.visit(_Swap(swaps))


class _Swap(cst.CSTTransformer):
    """Replaces nodes by identity, in one pass (a replaced parent keeps its children's identity
    for the others)."""

    def __init__(self, swaps: dict[cst.CSTNode, cst.CSTNode]) -> None:
        super().__init__()
        self.swaps = swaps

    def on_leave(self, original: cst.CSTNode, updated: cst.CSTNode) -> cst.CSTNode:  # type: ignore[override]
        new = self.swaps.get(original)
        if new is None:
            return updated
        if not updated.deep_equals(original):  # a swapped node must not contain another swapped node
            raise RewriteError("nested functions both need the import; not rewritten")
        return new


def _site(stmt: ast.Import | ast.ImportFrom, root: str, bound: str, tree: ast.Module, parents: dict[ast.AST, ast.AST]) -> Site | None:
    runtime: list[ast.AST] = []
    annotations: list[ast.AST] = []
    users: set[ast.FunctionDef | ast.AsyncFunctionDef] = set()
    for node in walk(tree):
        if isinstance(node, ast.Name) and node.id == bound:
            where = _context(node, parents)
            if where == "annotation":
                annotations.append(node)
            elif isinstance(where, _FUNCS):
                users.add(where)
            else:
                runtime.append(node)
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str) and _in_annotation(node, parents)
              and bound in node.value.replace("[", ".").replace("]", ".").replace(",", ".").replace(" ", "").split(".")):  # fmt: skip
            annotations.append(node)
    if runtime or not users:
        return None  # needed at import time, or unused (an unused import is a linter's job)
    reasons = _reasons(stmt, bound, tree, annotations, users)
    funcs = tuple(sorted((f.lineno, f.name) for f in users))
    return Site(
        line=stmt.lineno, col=stmt.col_offset, end_line=stmt.end_lineno or stmt.lineno, function=None,
        message=f"{root} is heavy to import and only used inside {', '.join(n for _, n in funcs)}(): import it there",
        facts=(("functions", funcs), ("name", bound), ("reasons", tuple(reasons)), ("root", root)),
    )


def _context(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> object:
    """"annotation", the outermost function whose body holds ``node``, or "module"."""
    child, outer = node, None
    while child in parents:
        parent = parents[child]
        if isinstance(parent, (ast.arg, ast.AnnAssign)) and child is parent.annotation:
            return "annotation"
        if isinstance(parent, _FUNCS) and child is parent.returns:
            return "annotation"
        if isinstance(parent, _FUNCS) and child in parent.body:
            outer = parent
        elif isinstance(parent, ast.Lambda) and outer is None:
            return "module"  # a lambda body cannot hold an import statement
        child = parent
    return outer or "module"


def _in_annotation(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    return _context(node, parents) == "annotation"


def _reasons(stmt: ast.Import | ast.ImportFrom, bound: str, tree: ast.Module, annotations: list[ast.AST],
             users: set[ast.FunctionDef | ast.AsyncFunctionDef]) -> list[str]:  # fmt: skip
    reasons = []
    exported = _all(tree)
    if exported is None and not bound.startswith("_"):
        reasons.append(f"no literal __all__: other modules may use {bound!r} from here (from ... import *)")
    elif exported is not None and bound in exported:
        reasons.append(f"{bound!r} is re-exported in __all__")
    if annotations:
        reasons.append(f"{bound!r} is used in annotations, which typing.get_type_hints resolves at module level")
    if len(stmt.names) > 1:
        reasons.append("the import statement binds several names")
    if bindings(tree)[bound] > 1 or bound in declared(tree, ast.Global):
        reasons.append(f"{bound!r} is bound or declared global elsewhere in the module")
    for func in sorted(users, key=lambda f: f.lineno):
        if func.name.startswith("__") and func.name.endswith("__") and func.name not in ("__init__", "__call__"):
            reasons.append(f"{func.name}() is a special method that typically runs per item: it would run the import each time")
        if any(bindings(f)[bound] for f in walk(func) if isinstance(f, _FUNCS)) or bound in declared(func, ast.Nonlocal):
            reasons.append(f"{func.name}() binds its own {bound!r}")
    return reasons


def _all(tree: ast.Module) -> set[str] | None:
    """The names a literal ``__all__`` lists; None when there is none or it is computed."""
    found: set[str] | None = None
    for stmt in tree.body:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] if isinstance(stmt, (ast.AugAssign, ast.AnnAssign)) else []
        if not any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            continue
        value = getattr(stmt, "value", None)
        if isinstance(stmt, ast.AugAssign) or not isinstance(value, (ast.List, ast.Tuple)):
            return None
        if not all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in value.elts):
            return None
        found = {str(e.value) for e in value.elts if isinstance(e, ast.Constant)}
    return found


def _with_import(func: cst.FunctionDef, line: cst.SimpleStatementLine) -> cst.FunctionDef:
    """``func`` with ``line`` as the first statement of its body (after the docstring)."""
    if not isinstance(func.body, cst.IndentedBlock):
        raise RewriteError(f"{func.name.value}() is written on one line")
    body = list(func.body.body)
    first = body[0] if body else None
    docstring = (isinstance(first, cst.SimpleStatementLine) and len(first.body) == 1
                 and isinstance(first.body[0], cst.Expr)
                 and isinstance(first.body[0].value, (cst.SimpleString, cst.ConcatenatedString)))  # fmt: skip
    at = 1 if docstring else 0
    return func.with_changes(body=func.body.with_changes(body=[*body[:at], line, *body[at:]]))
