"""The package's shape: the core never imports Textual or Rich, no module imports another's
private names, and no import cycle exists anywhere in ``finconsole`` (imports inside functions
counted too). The layers between packages are import-linter's contracts (pyproject.toml)."""

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "finconsole"
CORE = PACKAGE / "core"


def _modules() -> dict[str, ast.Module]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = ast.parse(path.read_text(), str(path))
    return found


def _runtime_nodes(tree: ast.AST):
    """Every node that runs, inside functions too; not what ``if TYPE_CHECKING:`` guards (read
    by type checkers only, so it cannot make a cycle at run time)."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            for orelse in node.orelse:
                yield orelse
                yield from _runtime_nodes(orelse)
            continue
        yield node
        yield from _runtime_nodes(node)


def _imports(modules: dict[str, ast.Module]) -> dict[str, set[tuple[str, str]]]:
    """module -> {(imported module, imported name or '')}, function-level imports included."""
    edges: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for name, tree in modules.items():
        for node in _runtime_nodes(tree):
            if isinstance(node, ast.Import):
                edges[name] |= {(a.name, "") for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    edges[name].add((full, "") if full in modules else (node.module, alias.name))
    return edges


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle of ``graph`` (module names), or [] when it has none."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return []

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return []


def test_core_imports_no_textual_or_rich():
    offenders = []
    for path in CORE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [
                f"{path.name}: {n}" for n in names if n.split(".")[0] in ("textual", "rich")
            ]
    assert offenders == []


def test_no_import_cycle_in_the_package():
    modules = _modules()
    graph = {
        name: {target for target, _ in targets if target in modules and target != name}
        for name, targets in _imports(modules).items()
    }
    assert _cycle(graph) == []


def test_the_cycle_finder_finds_one():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) == []


def test_no_module_imports_another_modules_private_names():
    modules = _modules()
    private = sorted(
        f"{name} imports {target}.{imported}"
        for name, targets in _imports(modules).items()
        for target, imported in targets
        if imported.startswith("_") and target.startswith("finconsole") and target != name
    )
    assert private == []
