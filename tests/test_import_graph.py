"""The installed package's imports flow one way: no cycles, function-level imports included, and the
rooms keep to their layers (latency knows no sites, shells, scenarios or plans; ground, orbit and
latency know nothing of plans; kernels know nothing of the library)."""
from __future__ import annotations

import ast
import importlib
import importlib.util
from pathlib import Path

import networkx as nx
import pytest

import placement


def _modules() -> dict[str, Path]:
    """Every module of the installed namespace, by dotted name (from the import system itself, so
    the ``package-dir`` mapping of kernels/catalogs/cli is followed)."""
    out = {}
    for package in ("placement", "placement.kernels", "placement.catalogs", "placement.cli", "placement.earth",
                    "placement.ground", "placement.orbit", "placement.latency", "placement.plan",
                    "placement.outputs"):
        spec = importlib.util.find_spec(package)
        folder = Path(spec.origin).parent
        for f in folder.glob("*.py"):
            name = package if f.stem == "__init__" else f"{package}.{f.stem}"
            out[name] = f
    return out


def _imports(name: str, path: Path, modules: dict) -> set[str]:
    """Modules of the package that ``name`` imports anywhere in its body (functions included)."""
    tree = ast.parse(path.read_text())
    is_package = path.name == "__init__.py"
    found = set()
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = name.split(".") if is_package else name.split(".")[:-1]
                parts = parts[:len(parts) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
        for t in targets:
            # the deepest module of the package that the name reaches
            while t and t not in modules:
                t = t.rpartition(".")[0]
            if t and t != name:
                found.add(t)
    return found


@pytest.fixture(scope="module")
def graph() -> nx.DiGraph:
    modules = _modules()
    g = nx.DiGraph()
    g.add_nodes_from(modules)
    for name, path in modules.items():
        for target in _imports(name, path, modules):
            g.add_edge(name, target)
    return g


def test_the_walk_sees_every_room(graph):
    assert len(graph) > 60
    assert {"placement.ground.sites", "placement.orbit.scoring", "placement.latency.ground_rtt",
            "placement.plan.solve", "placement.outputs.report", "placement.kernels.cooling"} <= set(graph)


def test_no_import_cycles_function_level_included(graph):
    cycles = [sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1]
    assert not cycles, f"import cycles: {cycles}"


def _reaches(graph, source_prefix: str, target_prefixes: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(a, b) for a, b in graph.edges if a.startswith(source_prefix) and b.startswith(target_prefixes)]


@pytest.mark.parametrize("room, forbidden", [
    ("placement.latency", ("placement.ground", "placement.orbit", "placement.scenario", "placement.plan",
                           "placement.outputs", "placement.parameters")),
    ("placement.ground", ("placement.orbit", "placement.plan", "placement.outputs", "placement.scenario")),
    ("placement.orbit", ("placement.ground", "placement.plan", "placement.outputs", "placement.scenario")),
    ("placement.earth", ("placement.ground", "placement.orbit", "placement.latency", "placement.plan",
                         "placement.outputs", "placement.scenario")),
    ("placement.kernels", ("placement.catalogs", "placement.cli", "placement.ground", "placement.orbit",
                           "placement.latency", "placement.plan", "placement.outputs", "placement.earth")),
    ("placement.catalogs", ("placement.ground", "placement.orbit", "placement.latency", "placement.plan",
                            "placement.outputs", "placement.earth", "placement.cli")),
])
def test_each_room_keeps_to_its_layer(graph, room, forbidden):
    assert not _reaches(graph, room, forbidden)


def test_the_cli_goes_through_the_public_api():
    """No command reaches a private name of the library (``from placement.x import _y``)."""
    offenders = []
    for path in Path(importlib.util.find_spec("placement.cli").origin).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("placement"):
                offenders += [f"{path.name}: {node.module}.{a.name}" for a in node.names
                              if a.name.startswith("_") and a.name != "__version__"]
    assert not offenders, offenders


def test_at_most_fourteen_modules_directly_in_placement():
    folder = Path(placement.__file__).parent
    assert len(list(folder.glob("*.py"))) <= 14


@pytest.mark.parametrize("room", ["placement", "placement.earth", "placement.ground", "placement.orbit",
                                  "placement.latency", "placement.plan", "placement.outputs"])
def test_every_room_says_what_is_public_and_each_name_resolves(room):
    module = importlib.import_module(room)
    assert module.__doc__ and module.__all__
    for name in module.__all__:
        assert getattr(module, name) is not None, name
