"""Every pytest outcome becomes a results entry that keeps its full ``max_score``.

Points come from gradescope-utils' decorators on each test (``weight``,
``number``, ``visibility``, ``tags``, ``hide_errors``, ``partial_credit``,
``leaderboard``). Tests of a suite whose rubric entry has ``details: false``
(the hidden suite) show only what failed: no source, no inputs, no expected
values, no falsifying example and nothing the student's code printed.
"""
from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from grader.contract import REPO, module_names, module_of_test
from grader.grading.messages import Blocked, failure_message, short
from grader.grading.names import readable_name
from grader.grading.results import Results
from grader.grading.rubric import Rubric
from grader.grading.summary import summary_table
from grader.sandbox import SandboxError
from grader.submission.files import required_modules
from grader.testkit.plugin import RUNNER

PRINTED_CHARS = 1500


def _decorated(item: pytest.Item) -> list[Any]:
    """Returns the test function and every function it wraps (where decorators leave attributes)."""
    chain, obj = [], getattr(item, "obj", None)
    while obj is not None and obj not in chain and len(chain) < 10:
        chain.append(obj)
        inner = getattr(getattr(obj, "hypothesis", None), "inner_test", None)
        obj = getattr(obj, "__wrapped__", None) or inner
    return chain


def attribute(item: pytest.Item, name: str, default: Any = None) -> Any:
    """Returns attribute ``name`` that a decorator left on the test of ``item`` or a function it wraps."""
    for obj in _decorated(item):
        if hasattr(obj, name):
            return getattr(obj, name)
    return default


class ResultsRecorder:
    """Turns every test outcome into a Gradescope entry that keeps its full ``max_score``.

    ``path`` set: writes results.json (and prints the summary) when the session
    ends. Without it, the owner of ``results`` writes them (the grade command).
    """

    NAME = "grader-results"

    def __init__(self, results: Results, rubric: Rubric | None, path: Path | None = None):
        self.results, self.rubric, self.path = results, rubric, path
        self.modules = module_names(required_modules())
        self.order = list(dict.fromkeys(Path(f).stem for f in required_modules() if not f.endswith("__init__.py")))
        self.numbers: dict[str, str] = {}
        self.states: dict[str, dict] = {}
        self.pending: dict[str, pytest.Item] = {}
        self.written: dict | None = None

    def _suite(self, path: Path):
        return self.rubric.suite_of(path) if self.rubric is not None else None

    @staticmethod
    def entry_name(nodeid: str) -> str:
        return nodeid.removeprefix("tests/")

    def _module(self, path: Path) -> str:
        return module_of_test(path.name, self.modules)

    def module_number(self, module: str) -> int:
        """Returns the 1-based place of ``module`` on the page (the order of the required files)."""
        if module not in self.order:
            self.order.append(module)
        return self.order.index(module) + 1

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.pending = {item.nodeid: item for item in session.items}
        counts: dict[str, int] = {}
        for item in session.items:
            module = self._module(item.path)
            counts[module] = counts.get(module, 0) + 1
            self.numbers[item.nodeid] = f"{self.module_number(module)}.{counts[module]}"

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        for obj in _decorated(item):
            for name in ("__score__", "__leaderboard_value__"):
                if name in getattr(obj, "__dict__", {}):
                    delattr(obj, name)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        outcome = yield
        report = outcome.get_result()
        state = self.states.setdefault(item.nodeid, {"failure": None, "skip": None, "xfail": None, "printed": ""})
        if report.when == "call":
            runner = item.config.stash.get(RUNNER, None)
            if hasattr(runner, "take_output"):
                state["printed"] = runner.take_output()
        if report.failed and state["failure"] is None:
            state["failure"] = (call.excinfo, report)
        elif report.skipped:
            if hasattr(report, "wasxfail"):
                state["xfail"] = report.wasxfail or "expected to fail"
            else:
                state["skip"] = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        if report.when == "teardown":
            self._finish(item, self.states.pop(item.nodeid))

    def _finish(self, item: pytest.Item, state: dict) -> None:
        self.pending.pop(item.nodeid, None)
        suite = self._suite(item.path)
        details = bool(suite and suite.details)
        declared = float(attribute(item, "__weight__", 0.0) or 0.0)
        weight = self.rubric.weight_of(self.entry_name(item.nodeid), declared) if self.rubric else declared
        column = attribute(item, "__leaderboard_column__")
        passed = state["failure"] is None and state["skip"] is None and state["xfail"] is None
        if column is not None:
            value = attribute(item, "__leaderboard_value__")
            if passed and isinstance(value, (int, float, str)) and not isinstance(value, bool):
                self.results.add_leaderboard(column, value, attribute(item, "__leaderboard_sort_order__", "desc"))
            return
        score = attribute(item, "__score__")
        score = float(score) if isinstance(score, (int, float)) and not isinstance(score, bool) else None
        if score is not None and declared > 0:  # partial credit, rescaled to the rubric's weight
            score *= weight / declared
        if score is None:
            score = weight if passed else 0.0
        output = self._output(item, state, details)
        fault = _machine_fault(state)
        module = self._module(item.path)
        suite_name = suite.name if suite else None
        number = attribute(item, "__number__") or self.numbers.get(item.nodeid)
        tags = [module, *([suite_name] if suite_name else []), *(attribute(item, "__tags__", ()) or ())]
        entry = self.results.add_test(readable_name(item, module, suite_name), score, weight,
                                      passed and score >= weight, "" if fault else output, number=number,
                                      tags=list(dict.fromkeys(tags)), module=module, suite=suite_name,
                                      visibility=attribute(item, "__visibility__") or (suite.visibility if suite
                                                                                       else None),
                                      id=self.entry_name(item.nodeid))
        if fault:
            self.results.not_graded(entry, fault)

    def _output(self, item: pytest.Item, state: dict, details: bool) -> str:
        parts = []
        if state["skip"] is not None:
            parts.append(f"Not run: {state['skip']}")
        elif state["xfail"] is not None:
            parts.append(f"Expected to fail: {state['xfail']}")
        elif state["failure"] is not None:
            excinfo, report = state["failure"]
            hidden_message = attribute(item, "__hide_errors__")
            if hidden_message is not None:
                parts.append(str(hidden_message))
            elif excinfo is None:
                parts.append(short(report.longreprtext) if details else "the test failed")
            else:
                root = getattr(item.config.stash.get(RUNNER, None), "root", None)
                text = failure_message(excinfo.value, details, root)
                if report.when != "call" and not isinstance(excinfo.value, Blocked):
                    text = f"error in the test's {report.when}: {text}"
                parts.append(text)
                if details:
                    parts.extend(n for n in getattr(excinfo.value, "__notes__", []) if isinstance(n, str))
        if details and state["printed"].strip():
            printed = state["printed"]
            if len(printed) > PRINTED_CHARS:
                printed = printed[:PRINTED_CHARS] + f"\n[... {len(printed) - PRINTED_CHARS} more characters]"
            parts.append(f"Your code printed:\n{printed}")
        return "\n".join(parts)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if not report.failed or not report.nodeid.endswith(".py"):
            return
        path = Path(report.fspath) if getattr(report, "fspath", None) else REPO / report.nodeid
        suite = self._suite(path)
        points, exact = declared_points(path)
        text = "The tests of this file could not be loaded, so none of them ran; please tell your instructor."
        if not exact:
            text += " (Some of its points could not be counted.)"
        if suite and suite.details:
            text += "\n" + short(report.longreprtext, 2000)
        module = self._module(path)
        self.results.add_test(f"{module}: every test of {path.name} (the file could not be loaded)", 0.0, points,
                              False, text, number=f"{self.module_number(module)}.0",
                              tags=[module, *([suite.name] if suite else [])],
                              visibility=suite.visibility if suite else None, module=module,
                              suite=suite.name if suite else None, id=self.entry_name(report.nodeid) + "::(all tests)")

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        try:
            for item in list(self.pending.values()):
                state = {"failure": None, "skip": "the test run stopped before this test", "xfail": None,
                         "printed": ""}
                self._finish(item, state)
        finally:
            if self.path is not None:
                self.written = self.results.write(self.path)

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if self.written is not None:
            terminalreporter.write_line("")
            terminalreporter.write_line(summary_table(self.results))
            terminalreporter.write_line(f"results written to {self.path}")


def _machine_fault(state: dict) -> str | None:
    """Returns the fault of the machine that failed the test (the sandbox's own error, for the staff), if any."""
    excinfo = state["failure"][0] if state["failure"] else None
    return str(excinfo.value) if excinfo is not None and isinstance(excinfo.value, SandboxError) else None


def declared_points(path: Path) -> tuple[float, bool]:
    """Returns the points a test file declares (weights times parametrized cases), read without importing it.

    The second value is False when some count could not be read (the sum is then a lower bound).
    """
    try:
        tree = ast.parse(Path(path).read_text(encoding="utf-8", errors="replace"))
    except (OSError, SyntaxError, ValueError):
        return 0.0, False
    sizes: dict[str, int] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            size = _literal_size(node.value, sizes)
            if size is not None:
                sizes[node.targets[0].id] = size
    total, exact = 0.0, True
    for node in tree.body:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or not node.name.startswith("test"):
            continue
        weight, count = 0.0, 1
        for dec in node.decorator_list:
            if not isinstance(dec, ast.Call):
                continue
            name = dec.func.attr if isinstance(dec.func, ast.Attribute) else getattr(dec.func, "id", "")
            if name in ("weight", "partial_credit") and dec.args and isinstance(dec.args[0], ast.Constant):
                weight = float(dec.args[0].value)
            elif name == "parametrize" and len(dec.args) >= 2:
                size = _literal_size(dec.args[1], sizes)
                exact &= size is not None
                count *= size or 1
        total += weight * count
    return total, exact


def _literal_size(node: ast.AST, sizes: dict[str, int]) -> int | None:
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return len(node.elts)
    if isinstance(node, ast.Dict):
        return len(node.keys)
    if isinstance(node, ast.Name):
        return sizes.get(node.id)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and len(node.args) == 1:
        if node.func.id in ("list", "tuple", "sorted", "set"):
            return _literal_size(node.args[0], sizes)
        if node.func.id == "range" and isinstance(node.args[0], ast.Constant):
            return int(node.args[0].value)
    return None
