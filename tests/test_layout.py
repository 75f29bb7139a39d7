"""The shape of the code base: small modules, no import cycles, no ORM, SQL only below the CLI."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "ledger"


def _modules() -> dict[str, Path]:
    out = {}
    for p in PACKAGE.rglob("*.py"):
        name = ".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts)
        out[name.removesuffix(".__init__")] = p
    return out


def _runtime_imports(tree: ast.Module) -> list[ast.AST]:
    """Import statements, leaving out those under ``if TYPE_CHECKING:``."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip |= {id(n) for b in node.body for n in ast.walk(b)}
    return [n for n in ast.walk(tree)
            if isinstance(n, ast.Import | ast.ImportFrom) and id(n) not in skip]


def _graph() -> dict[str, set[str]]:
    mods = _modules()
    graph: dict[str, set[str]] = defaultdict(set)
    for name, path in mods.items():
        for node in _runtime_imports(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module in mods:
                subs = {f"{node.module}.{a.name}" for a in node.names} & set(mods)
                graph[name] |= subs
                if len(subs) < len(node.names):
                    graph[name].add(node.module)
            elif isinstance(node, ast.Import):
                graph[name] |= {a.name for a in node.names} & set(mods)
    return graph


def test_no_import_cycles():
    graph = _graph()
    cycles = []

    def visit(node: str, stack: list[str]) -> None:
        for nxt in graph[node]:
            if nxt in stack:
                cycles.append([*stack[stack.index(nxt):], nxt])
            elif len(stack) < 15:
                visit(nxt, [*stack, nxt])

    for name in list(graph):
        visit(name, [name])
    assert not cycles, cycles[:3]
    assert graph["ledger.ops.changes"] >= {"ledger.core.rules"}  # the graph is really read


def test_no_module_is_over_400_lines():
    sizes = {name: len(p.read_text().splitlines()) for name, p in _modules().items()}
    assert max(sizes.values()) > 100
    assert not {n: s for n, s in sizes.items() if s > 400}


def test_no_orm_and_no_sql_in_the_cli():
    for name, path in _modules().items():
        tree = ast.parse(path.read_text())
        imported = {getattr(n, "module", None) or a.name for n in _runtime_imports(tree)
                    for a in n.names}  # type: ignore[attr-defined]
        assert not any(str(m).startswith("sqlalchemy.orm") for m in imported), name
        if name.startswith("ledger.cli"):
            assert not any(str(m).startswith(("sqlalchemy", "ledger.store.tables"))
                           for m in imported), name


def test_every_package_is_installed():
    """A package missing from pyproject's list works in the editable checkout and fails in a
    real install (`pip install .`): every folder of ledger/ with an __init__.py is listed."""
    import tomllib

    root = PACKAGE.parent
    listed = set(tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"][
        "packages"])
    found = {".".join(p.parent.relative_to(root).parts) for p in PACKAGE.rglob("__init__.py")}
    assert found <= listed, sorted(found - listed)
