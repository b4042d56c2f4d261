"""The layers hold (docs/architecture.md): core is the ground floor, domain apps form a
chain without circles, and only the console and setup apps stand above them all."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]  # kefu/
TOP = {"console", "setup"}  # may import every app; nothing imports them
# The domain apps from the ground up: each may import only those before it.
LAYERS = [
    "core",
    "accounts",
    "customers",
    "interactions",
    "followups",
    "tickets",
    "complaints",
    "care",
    "knowledge",
    "quality",
    "reports",
    "members",
    "outbound",
    "activities",
]


def _imports(path: Path) -> set[str]:
    """Every kefu app a module imports, at module level or inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "kefu" and len(parts) > 1:
                found.add(parts[1])
    return found


def app_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT).parts
        if len(rel) < 2 or "tests" in rel or "migrations" in rel:
            continue
        app = rel[0]
        graph.setdefault(app, set()).update(_imports(path) - {app})
    return graph


def test_core_imports_no_other_app():
    assert app_graph()["core"] == set()


@pytest.mark.parametrize("app", LAYERS)
def test_a_domain_app_imports_only_the_layers_below_it(app):
    below = set(LAYERS[: LAYERS.index(app)])
    imported = app_graph().get(app, set())
    assert not imported & TOP, f"{app} imports {imported & TOP}: only they may import it"
    assert imported <= below, f"{app} imports {sorted(imported - below)}, which stand above it"


def test_every_app_is_placed_in_a_layer():
    apps = {p.name for p in ROOT.iterdir() if (p / "apps.py").exists()}
    assert apps == set(LAYERS) | TOP
