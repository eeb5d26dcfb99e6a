"""Imports point down only: api/ (and main, cli) -> assistant/ -> crud/ -> models -> core/.
Read from the source (every import, including those inside functions), so a leak fails
here before it becomes a cycle."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "todo_api"
# The lowest layer first; a module may import its own layer and the ones below.
LAYERS = (
    "core",
    "models",
    "crud",
    "migrations",
    "assistant",
    "api",
    "main",
    "runtime_manifest",
    "cli",
)
HTTP_LIBRARIES = ("fastapi", "starlette")


def _layer(module: str) -> str | None:
    """`todo_api.crud.tasks` -> "crud"; `todo_api` itself (the version) has no layer."""
    parts = module.split(".")
    return parts[1] if parts[0] == "todo_api" and len(parts) > 1 else None


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            if node.module == "todo_api":  # `from todo_api import crud`
                names.update(f"todo_api.{alias.name}" for alias in node.names)
    return names


def _modules(*layers: str) -> list[object]:
    """pytest params (module name, path) of the package's modules, or of `layers` only."""
    found: list[object] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = ".".join(("todo_api", *path.relative_to(PACKAGE).with_suffix("").parts))
        if not layers or _layer(module) in layers:
            found.append(pytest.param(module, path, id=module))
    return found


@pytest.mark.parametrize(("module", "path"), _modules())
def test_imports_point_down(module: str, path: Path) -> None:
    own = _layer(module)
    if own == "__init__":
        return
    assert own in LAYERS, f"{module}: a new top-level module; give it its place in LAYERS"
    upward = sorted(
        name
        for name in _imports(path)
        if (other := _layer(name)) in LAYERS and LAYERS.index(other) > LAYERS.index(own)
    )
    assert upward == [], f"{module} imports a higher layer"


@pytest.mark.parametrize(("module", "path"), _modules("models", "crud", "assistant"))
def test_below_the_http_layer_nothing_imports_fastapi(module: str, path: Path) -> None:
    http = sorted(n for n in _imports(path) if n.split(".")[0] in HTTP_LIBRARIES)
    assert http == [], f"{module} imports the HTTP framework"
