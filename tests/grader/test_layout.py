"""The layout of grader/ is its architecture: small modules in stage folders, no import cycle, one home per concept."""
import ast
from pathlib import Path

import pytest

from grader.authoring.builds import STAGES
from grader.training import config, registry

GRADER = Path(__file__).resolve().parents[2] / "grader"
MAX_LINES = 400
MAX_TOP_LEVEL = 6  # __init__, __main__, cli, contract, course, yamlfile


def modules() -> dict[str, Path]:
    """Returns every module of the grader package by dotted name (``grader.sandbox`` for its __init__)."""
    found = {}
    for path in sorted(GRADER.rglob("*.py")):
        parts = path.relative_to(GRADER.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports_of(path: Path, known: dict[str, Path]) -> set[str]:
    """Returns the grader modules that ``path`` imports anywhere (top level or inside functions)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in known else node.module
                     for a in node.names]
        else:
            continue
        found.update(n for n in names if n in known)
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Returns the strongly connected components of more than one module, or with a self-import (Tarjan)."""
    index, low, stack, on_stack, found, counter = {}, {}, [], set(), [], [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1 or v in graph[v]:
                found.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    return found


def import_graph() -> dict[str, set[str]]:
    """Returns module -> the grader modules it imports; a package __init__ does not count as imported by its own
    submodules (``from grader.sandbox import protocol`` imports ``grader.sandbox.protocol``)."""
    known = modules()
    return {name: imports_of(path, known) - {name} for name, path in known.items()}


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_grader_module_imports_itself_back_through_others():
    assert cycles(import_graph()) == []


def test_grader_keeps_at_most_six_modules_at_its_top_and_the_rest_in_stage_folders():
    top = sorted(p.name for p in GRADER.glob("*.py"))
    assert len(top) <= MAX_TOP_LEVEL, top
    folders = sorted(p.name for p in GRADER.iterdir() if p.is_dir() and p.name != "__pycache__")
    assert folders == ["authoring", "grading", "sandbox", "submission", "testkit", "training"]


@pytest.mark.parametrize("path", sorted(GRADER.rglob("*.py")), ids=lambda p: p.relative_to(GRADER).as_posix())
def test_every_module_reads_in_one_sitting(path):
    assert len(path.read_text().splitlines()) <= MAX_LINES


def test_the_sandbox_knows_no_probe_and_no_stage_above_it():
    graph = import_graph()
    for name, imported in graph.items():
        if name.startswith("grader.sandbox"):
            assert not {m for m in imported if m.startswith(("grader.grading", "grader.authoring",
                                                             "grader.testkit.probes", "grader.testkit.harness"))}
            assert "testkit.probes" not in modules()[name].read_text(), name


def stage(module: str) -> str:
    """Returns the stage folder of a grader module (``grading``), or ``""`` for a top-level module."""
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and (GRADER / parts[1]).is_dir()) else ""


def test_what_ships_to_students_imports_no_grading_or_instructor_code():
    graph = import_graph()
    for name, imported in graph.items():
        if stage(name) in ("", *STAGES["handout"]):
            assert {stage(m) for m in imported} <= {"", *STAGES["handout"]}, name


def test_config_fields_and_the_registry_name_the_same_things():
    assert set(config.MODEL_FIELDS) == set(registry.MODELS)
    assert set(config.OPTIMIZER_FIELDS) == set(registry.OPTIMIZERS)
    assert set(config.DATA_FIELDS) == set(registry.DATASETS)
