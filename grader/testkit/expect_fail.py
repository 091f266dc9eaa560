"""``--expect-fail``: the run succeeds only when every test fails (the skeleton must earn no point)."""
from __future__ import annotations

import pytest


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
