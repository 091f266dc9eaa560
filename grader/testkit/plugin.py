"""The test kit's pytest plugin: which implementation is under test, hypothesis profiles, quiet stubs.

Loaded by every suite through ``-p grader.testkit.plugin`` (pyproject.toml).
Options:

- ``--impl student|solutions|PATH``: the implementation under test (default student);
- ``--expect-fail``: succeed only if every test fails (the skeleton must fail every graded test);
- ``--one-line-failures``: end with one line per failed test;
- ``--points``: end with the points per module, as the student's Gradescope page shows them: the ``@weight``
  of every test that passed over the module's total (``PointsTable``). The handout's pytest configuration
  passes both, so ``make test`` (and ``pytest``) in the handout end with that table.

The ``impl`` fixture serves the runner stashed under ``RUNNER``: a
``LocalRunner`` (probes run in this process) unless the grading plugin
(``grader.grading.plugin``) stashed a sandboxed one first. In grading mode the
worker cannot read pytest's temporary folders: ``tmp_path`` is then a folder
the grader writes and the worker only reads, and ``impl.scratch()`` gives more
of them; ``impl.workdir()`` is a folder the implementation writes in.
"""
from __future__ import annotations

import gc
import os
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from grader.contract import is_stub_message
from grader.testkit.expect_fail import ExpectFail
from grader.testkit.hints import error_hint, is_numeric_warning, test_hints
from grader.testkit.harness import Harness, LocalRunner, resolve_impl
from grader.testkit.profiles import default_profile, register_profiles

RUNNER = pytest.StashKey[Any]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("grader", "deep-learning course grader")
    group.addoption("--impl", default="student",
                    help="implementation under test: student, solutions, or a folder (default: student)")
    group.addoption("--expect-fail", action="store_true",
                    help="pass only if every test fails (checks that the skeleton earns no points)")
    group.addoption("--durations-file", metavar="PATH",
                    help="write every test's duration (setup, call and teardown, in seconds) to PATH as JSON")
    group.addoption("--one-line-failures", action="store_true",
                    help="end with one line per failed test: its id and the first line of why (the handout's default)")
    group.addoption("--points", action="store_true",
                    help="end with the points per module: the @weight of the tests that passed over each module's "
                         "total, as on Gradescope (the handout's default)")


@pytest.hookimpl(tryfirst=True)  # before hypothesis's own plugin loads --hypothesis-profile
def pytest_configure(config: pytest.Config) -> None:
    # The tests run tiny tensors: torch's thread pool only adds contention (Gradescope
    # gives half a CPU), and its idle threads spin. Read by torch when it is first imported,
    # after this hook; the grader imported it already, so it is told directly.
    if "OMP_NUM_THREADS" not in os.environ and "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(1)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    register_profiles()
    if not config.getoption("hypothesis_profile", None):
        settings.load_profile(default_profile())
    if config.getoption("expect_fail"):
        config.pluginmanager.register(ExpectFail(), "grader-expect-fail")
    if config.getoption("durations_file"):
        config.pluginmanager.register(DurationsFile(Path(config.getoption("durations_file"))), "grader-durations")
    if config.getoption("points"):
        config.pluginmanager.register(PointsTable(), "grader-points")


class DurationsFile:
    """Writes ``{test id: seconds}`` when the session ends (the mutant runner runs cheap tests first with it)."""

    def __init__(self, path: Path):
        self.path, self.seconds = path, {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.seconds[report.nodeid] = self.seconds.get(report.nodeid, 0.0) + report.duration

    def pytest_sessionfinish(self) -> None:
        import json
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps({k: round(v, 4) for k, v in sorted(self.seconds.items())}, indent=0))


def declared_weight(item: pytest.Item) -> float:
    """Returns the points of ``item``: the ``@weight`` on its test or on a function the test wraps (0 without one)."""
    obj, seen = getattr(item, "obj", None), []
    while obj is not None and obj not in seen and len(seen) < 10:
        if hasattr(obj, "__weight__"):
            value = obj.__weight__
            return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0
        seen.append(obj)
        obj = getattr(obj, "__wrapped__", None) or getattr(getattr(obj, "hypothesis", None), "inner_test", None)
    return 0.0


class PointsTable:
    """Ends a local run with a table like the one atop the student's Gradescope page.

    Per module (in the page's order) and per suite (the folder of the test
    file): the ``@weight`` of the tests that passed over the total of the tests
    this run collected. A test passes when its setup, call and teardown pass;
    one that failed, errored, was skipped or never ran (``-x``) earns nothing.
    Tests without a weight (a student's own) are left out.
    """

    def __init__(self):
        self.items: list[pytest.Item] = []
        self.passed: set[str] = set()
        self.lost: set[str] = set()
        self.unloaded: list[str] = []
        self.deselected = 0

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.unloaded.append(report.nodeid or "a test file")

    def pytest_deselected(self, items: list[pytest.Item]) -> None:
        self.deselected += len(items)

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.items = list(session.items)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.failed or report.skipped:  # an expected failure (xfail) is reported as skipped: no points either
            self.lost.add(report.nodeid)
        elif report.when == "call" and report.passed:
            self.passed.add(report.nodeid)

    def rows(self) -> tuple[list[str], dict[str, dict[str, list[float]]]]:
        """Returns the suites in order of appearance and ``{module: {suite: [points earned, points]}}``."""
        from grader.contract import module_names, module_of_test
        from grader.submission.files import required_modules

        files = required_modules()
        modules = module_names(files)
        order = [Path(f).stem for f in files]  # the modules in the order of the Gradescope page
        suites: list[str] = []
        table: dict[str, dict[str, list[float]]] = {}
        for item in self.items:
            weight = declared_weight(item)
            if weight <= 0:
                continue
            suite = item.path.parent.name
            if suite not in suites:
                suites.append(suite)
            cell = table.setdefault(module_of_test(item.path.name, modules), {}).setdefault(suite, [0.0, 0.0])
            cell[0] += weight if item.nodeid in self.passed and item.nodeid not in self.lost else 0.0
            cell[1] += weight
        ranked = sorted(table, key=lambda m: (order.index(m) if m in order else len(order), m))
        return suites, {module: table[module] for module in ranked}

    @pytest.hookimpl(trylast=True)  # after the one-line failures: the table closes the run
    def pytest_terminal_summary(self, terminalreporter) -> None:
        suites, table = self.rows()
        if not table:
            return
        both = len(suites) > 1
        width = max([len(m) for m in table] + [12])
        terminalreporter.section("points per module", sep="=")
        heads = suites + (["total"] if both else [])
        terminalreporter.write_line(f"{'module':<{width}}" + "".join(f"{h:>14}" for h in heads))
        earned = total = 0.0
        for module, cells in table.items():
            score, points = sum(c[0] for c in cells.values()), sum(c[1] for c in cells.values())
            earned, total = earned + score, total + points
            shown = [_points(*cells[s]) if s in cells else "-" for s in suites]
            shown += [_points(score, points)] if both else []
            terminalreporter.write_line(f"{module:<{width}}" + "".join(f"{c:>14}" for c in shown))
        terminalreporter.write_line(f"{'total':<{width}}{_points(earned, total):>{14 * len(heads)}}")
        notes = []
        if self.deselected:
            notes.append(f"{self.deselected} tests this run did not select are not counted")
        notes.extend(f"not counted: {name} could not be loaded" for name in self.unloaded)
        if "hidden" not in suites:
            notes.append("when you are graded, the hidden tests and the training runs count too")
        for note in notes:
            terminalreporter.write_line(f"({note})")


def _points(score: float, points: float) -> str:
    return f"{score:g}/{points:g}"


def pytest_collection_finish(session: pytest.Session) -> None:
    # What is loaded by now (torch, the oracles' libraries, the tests) lives until the session ends: frozen, it is no
    # longer scanned by every full pass of the garbage collector (seconds over a grade).
    gc.freeze()


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
    """A new folder for the test's input files; in grading mode one that the sandboxed worker may read, not write.

    Tests hand files to probes through it (``impl.call("utils.data:load_mnist", str(tmp_path))``);
    pytest's own temporary folders are private to the grader. A folder the implementation writes in is
    ``impl.workdir()``.
    """
    if getattr(request.config.stash.get(RUNNER, None), "mode", "local") == "sandbox":
        return request.getfixturevalue("impl").scratch()
    return tmp_path_factory.mktemp(re.sub(r"\W", "_", request.node.name)[:30], numbered=True)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    """Adds hints to a failure: the test's own hints when a numeric warning stopped it early, and what a common
    numpy or torch error usually means."""
    try:
        return (yield)
    except Exception as exc:
        for note in failure_hints(exc, getattr(item, "function", None)):
            exc.add_note(note)
        raise


def failure_hints(exc: BaseException, function: Any) -> list[str]:
    """Returns the hint lines for failure ``exc`` of test ``function`` (a sandboxed error keeps its class name)."""
    type_name = getattr(exc, "type_name", None) or type(exc).__name__
    message = getattr(exc, "message", None) or str(exc)
    hints = test_hints(function) if is_numeric_warning(type_name, message) and function is not None else []
    hints = hints or [h for h in [error_hint(type_name, message)] if h]
    return [f"  hint: {hint}" for hint in hints]


FAILURE_LINE_CHARS = 160


def failure_line(report: pytest.TestReport) -> str:
    """Returns ``FAILED <test id> - <the first line of why>``, at most FAILURE_LINE_CHARS characters."""
    crash = getattr(report.longrepr, "reprcrash", None)
    why = crash.message if crash is not None else str(report.longrepr or "")
    why = next((line.strip() for line in why.splitlines() if line.strip()), "")
    line = f"{'FAILED' if report.when == 'call' else 'ERROR'} {report.nodeid} - {why}"
    return line if len(line) <= FAILURE_LINE_CHARS else line[:FAILURE_LINE_CHARS - 3] + "..."


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    failed = [r for key in ("failed", "error") for r in terminalreporter.stats.get(key, [])
              if isinstance(r, pytest.TestReport)]
    if not failed:
        return
    if config.getoption("tbstyle") in ("auto", "short", "line", "no"):
        terminalreporter.write_line("for the full traceback of a test, run: pytest --tb=long <its test id>")
    if config.getoption("one_line_failures"):
        terminalreporter.section(f"{len(failed)} failed, one line each", sep="=")
        for report in failed:
            terminalreporter.write_line(failure_line(report))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    report = outcome.get_result()
    excinfo = call.excinfo
    if report.failed and excinfo is not None and excinfo.errisinstance(NotImplementedError):
        message = getattr(excinfo.value, "message", str(excinfo.value))
        if is_stub_message(message):
            report.longrepr = f"NotImplementedError: {message}"
