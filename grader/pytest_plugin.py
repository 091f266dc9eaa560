"""The kit's pytest plugin: choosing the implementation, hypothesis profiles, skeleton checks.

Loaded by every suite through ``-p grader.pytest_plugin`` (pyproject.toml).
Options:

- ``--impl student|solutions|PATH``: the implementation under test (default student);
- ``--expect-fail``: succeed only if every test fails (the skeleton must fail every graded test).
"""
from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, Phase, settings

from grader.harness import Harness, LocalRunner, resolve_impl

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


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("grader", "deep-learning course grader")
    group.addoption("--impl", default="student",
                    help="implementation under test: student, solutions, or a folder (default: student)")
    group.addoption("--expect-fail", action="store_true",
                    help="pass only if every test fails (checks that the skeleton earns no points)")


def pytest_configure(config: pytest.Config) -> None:
    if not config.getoption("hypothesis_profile", None):
        settings.load_profile("ci" if os.environ.get("CI") else "dev")
    if config.getoption("expect_fail"):
        config.pluginmanager.register(ExpectFail(), "grader-expect-fail")


def pytest_report_header(config: pytest.Config) -> str:
    return f"implementation under test: {config.getoption('impl')}; hypothesis profile: {settings._current_profile}"


@pytest.fixture(scope="session")
def impl(request: pytest.FixtureRequest) -> Harness:
    """The implementation under test, reached only through probes."""
    root = resolve_impl(request.config.getoption("impl"))
    return Harness(LocalRunner(root))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    report = outcome.get_result()
    excinfo = call.excinfo
    if report.failed and excinfo is not None and excinfo.errisinstance(NotImplementedError):
        message = str(excinfo.value)
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
