"""KZ112 heavy-import: report heavy imports only functions use; move them only when the module
declares that the name is not part of what it exposes."""

from __future__ import annotations

from pathlib import Path

import pytest

from kaizen.analyze.scan import scan
from kaizen.patterns.heavy_import import HeavyImport
from kaizen.transform.apply import fix_source

from .kz_support import fix, sites, verdicts

P = HeavyImport()
ALL = '__all__ = ["f", "g"]\n\n\n'


def test_example_rewrites_exactly_once() -> None:
    (example,) = P.examples
    assert fix(P, example.before) == example.after
    assert fix(P, example.after) == example.after


@pytest.mark.parametrize("negative", P.negatives)
def test_negatives_are_untouched(negative: str) -> None:
    assert all(verdicts(P, negative))
    assert fix(P, negative) == negative


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("import numpy as np\n\n\ndef f():\n    return np.zeros(2)\n", "no literal __all__"),
        ('import numpy as np\n\n__all__ = ["f"]\n__all__ += ["g"]\n\n\ndef f():\n    return np.zeros(2)\n', "no literal __all__"),
        ('import numpy as np\n\n__all__ = ["f", "np"]\n\n\ndef f():\n    return np.zeros(2)\n', "re-exported"),
        (f"import numpy as np\n\n{ALL}def f(a: 'np.ndarray'):\n    return np.sum(a)\n", "annotations"),
        (f"import numpy as np\n\n{ALL}def f(a) -> np.ndarray:\n    return np.asarray(a)\n", "annotations"),
        (f"import numpy as np\n\n{ALL}def f():\n    x: np.ndarray = np.zeros(1)\n    return x\n", "annotations"),
        (f"import numpy as np, scipy\n\n{ALL}def f():\n    return np.zeros(1), scipy\n", "several names"),
        (f"import numpy as np\n\n{ALL}def f():\n    return np.zeros(1)\n\n\ndef g():\n    global np\n    np = None\n", "global"),
        (f"import numpy as np\n\n{ALL}def f(np=None):\n    return np.zeros(1)\n\n\ndef g():\n    return np.ones(1)\n", "binds its own"),
        (f"import numpy as np\n\n{ALL}def f():\n    def inner(np):\n        return np\n    return np.zeros(1)\n", "binds its own"),
        (f"import numpy as np\n\n{ALL}class V:\n    def __getitem__(self, i):\n        return np.int64(i)\n", "special method"),
    ],
)
def test_hazards_are_reported_not_fixable(source: str, reason: str) -> None:
    reasons = verdicts(P, source)
    assert reasons and all(got is not None and reason in got for got in reasons), reasons
    assert fix(P, source) == source


@pytest.mark.parametrize(
    "source",
    [
        f"import numpy as np\n\n{ALL}class C:\n    zero = np.zeros(1)\n",
        f"import numpy as np\n\n{ALL}@np.vectorize\ndef f(x):\n    return x\n",
        f"import numpy as np\n\n{ALL}def f(x=np.pi):\n    return np.sin(x)\n",
        f"import numpy as np\n\n{ALL}def f():\n    return np.pi\n\n\nif __name__ == '__main__':\n    print(np.pi)\n",
        f"import numpy as np\n\n{ALL}f = lambda: np.pi\n",
        f"import numpy as np\n\n{ALL}def f():\n    return 1\n",  # unused: a linter's job
        f"import os\n\n{ALL}def f():\n    return os.sep\n",
        f"try:\n    import numpy as np\nexcept ImportError:\n    np = None\n\n{ALL}def f():\n    return np\n",
        f"from . import numpy\n\n{ALL}def f():\n    return numpy\n",
        f"from numpy import *\n\n{ALL}def f():\n    return zeros(1)\n",
    ],
)
def test_imports_needed_at_import_time_or_not_plain_are_not_findings(source: str) -> None:
    assert sites(P, source) == []


def test_each_using_function_gets_the_import_after_its_docstring() -> None:
    source = (
        '"""Mod."""\nimport os\n# plotting is optional\nimport matplotlib.pyplot as plt\n\n' + ALL
        + 'def f():\n    """Draw."""\n    plt.plot([1])\n\n\nclass K:\n    def g(self):\n        def inner():\n'
        "            return plt.gca()\n        return inner() or os.sep\n"
    )
    assert fix(P, source) == (
        '"""Mod."""\nimport os\n# plotting is optional\n\n' + ALL
        + 'def f():\n    """Draw."""\n    import matplotlib.pyplot as plt\n    plt.plot([1])\n\n\nclass K:\n'
        "    def g(self):\n        import matplotlib.pyplot as plt\n        def inner():\n            return plt.gca()\n"
        "        return inner() or os.sep\n"
    )


def test_private_names_and_from_imports() -> None:
    private = "import numpy as _np\n\n\ndef f():\n    return _np.zeros(1)\n"
    assert verdicts(P, private) == [None]
    assert fix(P, private) == "def f():\n    import numpy as _np\n    return _np.zeros(1)\n"
    from_import = f"from pandas import DataFrame\n\n{ALL}def f():\n    return DataFrame()\n"
    assert fix(P, from_import) == f"{ALL}def f():\n    from pandas import DataFrame\n    return DataFrame()\n"
    dotted = f"import numpy.linalg\n\n{ALL}def f(a):\n    return numpy.linalg.norm(a)\n"
    assert "    import numpy.linalg\n    return numpy.linalg.norm(a)" in fix(P, dotted)


def test_the_moved_import_still_works() -> None:
    (example,) = P.examples
    namespace: dict[str, object] = {}
    exec(compile(example.after, "<after>", "exec"), namespace)
    assert "np" not in namespace
    assert namespace["mean"]([1, 2, 3]) == 2.0  # type: ignore[operator]


def test_a_library_importing_itself_is_not_a_finding(tmp_path: Path) -> None:
    """numpy's own modules importing numpy load nothing new: moving the import saves nothing."""
    source = "import networkx as nx\n\n__all__ = ['f']\n\n\ndef f(g):\n    return nx.density(g)\n"
    for folder, expected in (("networkx/algorithms", []), ("app", ["KZ112"])):
        module = tmp_path / folder / "m.py"
        module.parent.mkdir(parents=True)
        module.write_text(source, encoding="utf-8")
        report = scan(tmp_path, [Path(folder)], select=frozenset({"KZ112"}), cache_dir=tmp_path / "cache")
        assert [f.pattern_id for f in report.findings] == expected, folder
    # scanned from inside the library, the folder name is known from the file's full path
    inside = scan(tmp_path / "networkx", [Path(".")], select=frozenset({"KZ112"}), cache_dir=tmp_path / "cache2")
    assert inside.findings == ()
    assert fix_source(source, ["KZ112"], path="networkx/m.py")[1] == ()
    assert [f.pattern_id for f in fix_source(source, ["KZ112"], path="app/m.py")[1]] == ["KZ112"]
