"""The kit's pytest plugin: choosing the implementation, grading mode, hypothesis profiles, results.json.

Loaded by every suite through ``-p grader.pytest_plugin`` (pyproject.toml).
Options:

- ``--impl student|solutions|PATH``: the implementation under test (default student);
- ``--expect-fail``: succeed only if every test fails (the skeleton must fail every graded test);
- ``--sandbox``: grading mode: probes run in a sandboxed worker process (``grader.sandbox``);
- ``--results PATH``: write Gradescope's ``results.json`` (every outcome becomes an entry
  with its full ``max_score``), validated, atomically, and print the summary table;
- ``--rubric PATH``: the rubric giving suite visibility and sandbox limits (default configs/rubric.yaml).

In grading mode the worker cannot read pytest's temporary folders: ``tmp_path``
is then a folder the worker owns, and ``impl.scratch()`` gives more of them
(for hypothesis tests, which cannot use ``tmp_path``).

Points come from gradescope-utils' decorators on each test (``weight``,
``number``, ``visibility``, ``tags``, ``hide_errors``, ``partial_credit``,
``leaderboard``). Tests of a suite whose rubric entry has ``details: false``
(the hidden suite) show only what failed: no source, no inputs, no expected
values, no falsifying example and nothing the student's code printed.
"""
from __future__ import annotations

import ast
import os
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings

from grader.harness import REPO, Harness, LocalRunner, SandboxRunner, resolve_impl

_SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large]
settings.register_profile("dev", max_examples=10, deadline=None, suppress_health_check=_SLOW_OK)
# ci and grading: every run meets the same examples, and a failure is reported
# without shrinking it (a hidden test never shows its example anyway).
_NO_SHRINK = [Phase.explicit, Phase.reuse, Phase.generate]
settings.register_profile("ci", max_examples=25, deadline=None, derandomize=True, database=None,
                          print_blob=False, phases=_NO_SHRINK, suppress_health_check=_SLOW_OK)
settings.register_profile("grading", max_examples=25, deadline=None, derandomize=True, database=None,
                          print_blob=False, report_multiple_bugs=False, phases=_NO_SHRINK,
                          suppress_health_check=_SLOW_OK)

RUNNER = pytest.StashKey[Any]()
SHORT_MESSAGE_CHARS = 300
PRINTED_CHARS = 1500


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("grader", "deep-learning course grader")
    group.addoption("--impl", default="student",
                    help="implementation under test: student, solutions, or a folder (default: student)")
    group.addoption("--expect-fail", action="store_true",
                    help="pass only if every test fails (checks that the skeleton earns no points)")
    group.addoption("--sandbox", action="store_true",
                    help="grading mode: run the implementation in a sandboxed worker process")
    group.addoption("--results", default=None, metavar="PATH",
                    help="write Gradescope's results.json to PATH and print the summary table")
    group.addoption("--rubric", default=None, metavar="PATH",
                    help="rubric with suite visibility and sandbox limits (default: configs/rubric.yaml)")


# The tests run tiny tensors: torch's thread pool only adds contention (Gradescope
# gives half a CPU). Read by torch when it is first imported.
os.environ.setdefault("OMP_NUM_THREADS", "1")


def pytest_configure(config: pytest.Config) -> None:
    if not config.getoption("hypothesis_profile", None):
        settings.load_profile("ci" if os.environ.get("CI") else "dev")
    if config.getoption("expect_fail"):
        config.pluginmanager.register(ExpectFail(), "grader-expect-fail")
    if config.getoption("sandbox"):
        start_sandbox(config)
    if config.getoption("results") and not config.pluginmanager.has_plugin(ResultsRecorder.NAME):
        from grader.results import Results
        config.option.continue_on_collection_errors = True
        rubric = load_config_rubric(config)
        recorder = ResultsRecorder(Results(rubric.visibility, rubric.stdout_visibility), rubric,
                                   Path(config.getoption("results")))
        config.pluginmanager.register(recorder, ResultsRecorder.NAME)


def start_sandbox(config: pytest.Config) -> None:
    """Starts the sandboxed runner of ``--sandbox`` now, before any test module is imported.

    Workers are forked from this process as it is now (see ``grader.sandbox.Sandbox``).
    """
    from grader.sandbox import private_paths
    rubric = load_config_rubric(config)
    results = config.getoption("results")
    runner = SandboxRunner(resolve_impl(config.getoption("impl")), limits=rubric.limits, user=rubric.user,
                           private=private_paths(*([Path(results).resolve().parent] if results else [])))
    config.stash[RUNNER] = runner
    config.add_cleanup(runner.close)


def load_config_rubric(config: pytest.Config):
    """Returns the rubric named by ``--rubric`` (or the default one)."""
    from grader.rubric import DEFAULT_RUBRIC, load_rubric
    return load_rubric(config.getoption("rubric") or DEFAULT_RUBRIC)


def pytest_report_header(config: pytest.Config) -> str:
    mode = getattr(config.stash.get(RUNNER, None), "mode", "local")
    return (f"implementation under test: {config.getoption('impl')} ({mode}); "
            f"hypothesis profile: {settings._current_profile}")


@pytest.fixture(scope="session")
def impl(request: pytest.FixtureRequest) -> Harness:
    """The implementation under test, reached only through probes."""
    config = request.config
    runner = config.stash.get(RUNNER, None)
    if runner is None:
        runner = LocalRunner(resolve_impl(config.getoption("impl")))
        config.stash[RUNNER] = runner
    return Harness(runner)


@pytest.fixture
def tmp_path(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new folder for the test; in grading mode one that the sandboxed worker may read and write.

    Tests hand files to probes through it (``impl.call("utils.data:load_mnist", str(tmp_path))``);
    pytest's own temporary folders are private to the grader.
    """
    if getattr(request.config.stash.get(RUNNER, None), "mode", "local") == "sandbox":
        return request.getfixturevalue("impl").scratch()
    return tmp_path_factory.mktemp(re.sub(r"\W", "_", request.node.name)[:30], numbered=True)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    report = outcome.get_result()
    excinfo = call.excinfo
    if report.failed and excinfo is not None and excinfo.errisinstance(NotImplementedError):
        message = getattr(excinfo.value, "message", str(excinfo.value))
        if message.endswith("is not implemented yet"):
            report.longrepr = f"NotImplementedError: {message}"


class ExpectFail:
    """Inverts the verdict: the run succeeds only when no test passes."""

    def __init__(self) -> None:
        self.passed: list[str] = []
        self.failed = 0
        self.broken: list[str] = []

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "call" and report.passed:
            self.passed.append(report.nodeid)
        elif report.failed and report.when == "call":
            self.failed += 1
        elif report.failed:
            self.broken.append(report.nodeid)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.broken.append(report.nodeid)

    def pytest_terminal_summary(self, terminalreporter) -> None:
        tr = terminalreporter
        if self.passed:
            tr.write_line(f"--expect-fail: {len(self.passed)} test(s) PASSED but should fail "
                          "(a test that passes without an implementation gives free points):", red=True)
            for nodeid in self.passed:
                tr.write_line(f"  {nodeid}")
        if self.broken:
            tr.write_line(f"--expect-fail: {len(self.broken)} test(s) or files broke in setup or collection:", red=True)
            for nodeid in self.broken:
                tr.write_line(f"  {nodeid}")
        if not self.passed and not self.broken:
            tr.write_line(f"--expect-fail: all {self.failed} tests fail, as they should", green=True)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        ok = self.failed > 0 and not self.passed and not self.broken
        session.exitstatus = pytest.ExitCode.OK if ok else pytest.ExitCode.TESTS_FAILED


# ---------------------------------------------------------------- grading sessions and results.json

class Blocked(Exception):
    """A test that is not run: its file is missing or breaks the policy. The message says why."""


class GradingSession:
    """What ``python -m grader grade`` hands to the pytest session it runs.

    ``runner`` (a ``SandboxRunner`` started before the session) serves the
    ``impl`` fixture; ``blocked`` maps a test-file glob (``test_adam*.py``) to
    the reason why its tests score 0 without running.
    """

    def __init__(self, runner: Any, blocked: dict[str, str] | None = None):
        self.runner = runner
        self.blocked = dict(blocked or {})

    def pytest_configure(self, config: pytest.Config) -> None:
        config.stash[RUNNER] = self.runner

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        from fnmatch import fnmatch
        reasons = [reason for pattern, reason in self.blocked.items() if fnmatch(item.path.name, pattern)]
        if reasons:
            raise Blocked("\n".join(reasons))


def _decorated(item: pytest.Item) -> list[Any]:
    """Returns the test function and every function it wraps (where decorators leave attributes)."""
    chain, obj = [], getattr(item, "obj", None)
    while obj is not None and obj not in chain and len(chain) < 10:
        chain.append(obj)
        inner = getattr(getattr(obj, "hypothesis", None), "inner_test", None)
        obj = getattr(obj, "__wrapped__", None) or inner
    return chain


def _attr(item: pytest.Item, name: str, default: Any = None) -> Any:
    for obj in _decorated(item):
        if hasattr(obj, name):
            return getattr(obj, name)
    return default


def _short(text: str, limit: int = SHORT_MESSAGE_CHARS) -> str:
    return text if len(text) <= limit else text[:limit] + " [...]"


def _assertion_text(exc: BaseException, details: bool) -> str:
    """Returns an assertion's message; without details, pytest's rewritten ``assert a == b`` is dropped."""
    text = str(exc)
    if details:
        return text or "an assertion failed"
    head = text.split("\nassert ", 1)[0]
    return "a check of this test failed" if not head or head.startswith("assert ") else head


def failure_message(exc: BaseException, details: bool, impl_root: Path | None = None) -> str:
    """Returns what a student reads about a failed test: what went wrong, in words they can act on.

    ``details`` False (hidden tests) keeps inputs and expected values out.
    """
    from grader.plain import PlainDataError
    from grader.sandbox import BadReply, BudgetExhausted, CallTimeout, StudentCodeError, WorkerDied

    if isinstance(exc, Blocked):
        return str(exc)
    if isinstance(exc, StudentCodeError):
        if exc.type_name == "NotImplementedError" and exc.message.endswith("is not implemented yet"):
            return f"NotImplementedError: {exc.message}"
        if isinstance(exc, (CallTimeout, WorkerDied, BudgetExhausted, BadReply)):
            return exc.message + (f"\n{exc.where}" if exc.where else "")
        message = exc.message if details else _short(exc.message)
        return f"Your code raised {exc.type_name}: {message}" + (f"\n{exc.where}" if exc.where else "")
    if isinstance(exc, AssertionError):
        return _assertion_text(exc, details)
    if isinstance(exc, PlainDataError):
        return f"Your code returned something that is not numbers or arrays: {exc}"
    if isinstance(exc, NotImplementedError) and str(exc).endswith("is not implemented yet"):
        return f"NotImplementedError: {exc}"
    name = type(exc).__name__
    message = str(exc) if details else _short(str(exc))
    if impl_root is not None and _raised_in(exc, impl_root):
        return f"Your code raised {name}: {message}"
    return f"The test could not check your result ({name}: {message})"


def _raised_in(exc: BaseException, root: Path) -> bool:
    tb, prefix = exc.__traceback__, str(root) + os.sep
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.startswith(prefix):
            return True
        tb = tb.tb_next
    return False


class ResultsRecorder:
    """Turns every test outcome into a Gradescope entry that keeps its full ``max_score``.

    ``path`` set: writes results.json (and prints the summary) when the session
    ends. Without it, the owner of ``results`` writes them (the grade command).
    """

    NAME = "grader-results"

    def __init__(self, results, rubric, path: Path | None = None):
        self.results, self.rubric, self.path = results, rubric, path
        self.states: dict[str, dict] = {}
        self.pending: dict[str, pytest.Item] = {}
        self.written: dict | None = None

    def _suite(self, path: Path):
        return self.rubric.suite_of(path) if self.rubric is not None else None

    @staticmethod
    def entry_name(nodeid: str) -> str:
        return nodeid.removeprefix("tests/")

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.pending = {item.nodeid: item for item in session.items}

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
        weight = float(_attr(item, "__weight__", 0.0) or 0.0)
        column = _attr(item, "__leaderboard_column__")
        passed = state["failure"] is None and state["skip"] is None and state["xfail"] is None
        if column is not None:
            value = _attr(item, "__leaderboard_value__")
            if passed and isinstance(value, (int, float, str)) and not isinstance(value, bool):
                self.results.add_leaderboard(column, value, _attr(item, "__leaderboard_sort_order__", "desc"))
            return
        score = _attr(item, "__score__")
        score = float(score) if isinstance(score, (int, float)) and not isinstance(score, bool) else None
        if score is None:
            score = weight if passed else 0.0
        output = self._output(item, state, details)
        self.results.add_test(self.entry_name(item.nodeid), score, weight, passed and score >= weight, output,
                              number=_attr(item, "__number__"), tags=list(_attr(item, "__tags__", ()) or ()),
                              visibility=_attr(item, "__visibility__") or (suite.visibility if suite else None))

    def _output(self, item: pytest.Item, state: dict, details: bool) -> str:
        parts = []
        if state["skip"] is not None:
            parts.append(f"Not run: {state['skip']}")
        elif state["xfail"] is not None:
            parts.append(f"Expected to fail: {state['xfail']}")
        elif state["failure"] is not None:
            excinfo, report = state["failure"]
            hidden_message = _attr(item, "__hide_errors__")
            if hidden_message is not None:
                parts.append(str(hidden_message))
            elif excinfo is None:
                parts.append(_short(report.longreprtext) if details else "the test failed")
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
            text += "\n" + _short(report.longreprtext, 2000)
        self.results.add_test(self.entry_name(report.nodeid) + "::(all tests)", 0.0, points, False, text,
                              visibility=suite.visibility if suite else None)

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
            from grader.results import summary_table
            terminalreporter.write_line("")
            terminalreporter.write_line(summary_table(self.written))
            terminalreporter.write_line(f"results written to {self.path}")


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
