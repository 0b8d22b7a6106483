"""The architecture rules of issue 11, checked on the source tree itself.

- no import cycles between ocrframe's modules (counting imports at module level only; an import
  inside a function is a deliberate lazy load);
- no module imports another module's ``_private`` name;
- no module over 600 lines;
- exceptions are defined in ``ocrframe/errors.py`` only (a module's private signal, caught
  inside that module and never raised to a caller, may stay private to it);
- one retry engine: only ``cloud/transport.py`` sleeps between attempts.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "ocrframe"
MAX_LINES = 600


def _modules() -> dict[str, Path]:
    mods = {}
    for path in sorted(PKG.rglob("*.py")):
        parts = list(path.relative_to(PKG.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        mods[".".join(parts)] = path
    return mods


MODULES = _modules()


def _resolve(module: str, path: Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    if path.name != "__init__.py":
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _imports(module: str, path: Path, top_level_only: bool):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else ast.walk(tree)
    for node in nodes:
        if isinstance(node, ast.ImportFrom):
            target = _resolve(module, path, node)
            if target.startswith("ocrframe"):
                yield node, target


def _edges() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for module, path in MODULES.items():
        for node, target in _imports(module, path, top_level_only=True):
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                graph[module].add(sub if sub in MODULES else target)
    return graph


def test_no_import_cycles():
    graph = _edges()
    cycles = []
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in graph.get(node, ()):
            if nxt not in MODULES or nxt == node:
                continue
            # a package importing its own submodules is not a cycle back into it
            if state.get(nxt) == 1 and not node.startswith(nxt + "."):
                cycles.append(stack[stack.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = 2

    for m in MODULES:
        if m not in state:
            visit(m, [m])
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_no_private_names_imported_across_modules():
    bad = []
    for module, path in MODULES.items():
        for node, target in _imports(module, path, top_level_only=False):
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    bad.append(
                        f"{path.relative_to(PKG.parent)}:{node.lineno} {target}.{alias.name}"
                    )
    assert not bad, "private names imported from other modules:\n" + "\n".join(bad)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_module_is_small(module):
    lines = MODULES[module].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{module} has {lines} lines; split it by purpose"


def test_every_public_name_has_a_runnable_example():
    """Each name ``ocrframe`` exports (and each public method of its classes) shows a short
    example in its docstring; ``--doctest-modules`` runs them."""
    import inspect

    import ocrframe

    missing = []
    for name in ocrframe.__all__:
        obj = getattr(ocrframe, name)
        if not (inspect.isfunction(obj) or inspect.isclass(obj)):
            continue
        if ">>>" not in (inspect.getdoc(obj) or ""):
            missing.append(name)
        if inspect.isclass(obj):
            for method, f in inspect.getmembers(obj, inspect.isfunction):
                own = f.__qualname__.split(".")[0] == obj.__name__
                if own and not method.startswith("_") and ">>>" not in (inspect.getdoc(f) or ""):
                    missing.append(f"{name}.{method}")
    assert not missing, f"public names without a docstring example: {missing}"


def test_exceptions_live_in_errors_module():
    bad = []
    for module, path in MODULES.items():
        if module == "ocrframe.errors":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.ClassDef)
                and not node.name.startswith("_")
                and any(
                    (isinstance(b, ast.Name) and b.id.endswith(("Error", "Exception")))
                    or (isinstance(b, ast.Attribute) and b.attr.endswith(("Error", "Exception")))
                    for b in node.bases
                )
            ):
                bad.append(f"{path.relative_to(PKG.parent)}:{node.lineno} {node.name}")
    assert not bad, "exception classes outside ocrframe/errors.py:\n" + "\n".join(bad)


def _sleeps_outside_limiters(tree: ast.AST, inside_limiter: bool = False) -> list[int]:
    """Line numbers of ``time.sleep`` references not inside a ``*Limiter`` class."""
    found = []
    for child in ast.iter_child_nodes(tree):
        limiter = inside_limiter or (isinstance(child, ast.ClassDef) and "Limiter" in child.name)
        if (
            isinstance(child, ast.Attribute)
            and child.attr == "sleep"
            and isinstance(child.value, ast.Name)
            and child.value.id == "time"
            and not limiter
        ):
            found.append(child.lineno)
        found += _sleeps_outside_limiters(child, limiter)
    return found


def test_only_the_transport_sleeps_between_attempts():
    """Rate limiters pace requests; only the transport's RetryPolicy waits before a retry."""
    sleepers = []
    for module, path in MODULES.items():
        if module == "ocrframe.cloud.transport" or module.startswith("ocrframe.emulator"):
            continue
        for line in _sleeps_outside_limiters(ast.parse(path.read_text(encoding="utf-8"))):
            sleepers.append(f"{path.relative_to(PKG.parent)}:{line}")
    assert not sleepers, "sleeps outside the one retry engine:\n" + "\n".join(sleepers)
