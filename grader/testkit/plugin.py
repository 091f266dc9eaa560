"""The test kit's pytest plugin: which implementation is under test, hypothesis profiles, quiet stubs.

Loaded by every suite through ``-p grader.testkit.plugin`` (pyproject.toml).
Options:

- ``--impl student|solutions|PATH``: the implementation under test (default student);
- ``--expect-fail``: succeed only if every test fails (the skeleton must fail every graded test).

The ``impl`` fixture serves the runner stashed under ``RUNNER``: a
``LocalRunner`` (probes run in this process) unless the grading plugin
(``grader.grading.plugin``) stashed a sandboxed one first. In grading mode the
worker cannot read pytest's temporary folders: ``tmp_path`` is then a folder
the worker owns, and ``impl.scratch()`` gives more of them.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from grader.contract import is_stub_message
from grader.testkit.expect_fail import ExpectFail
from grader.testkit.harness import Harness, LocalRunner, resolve_impl
from grader.testkit.profiles import default_profile, register_profiles

RUNNER = pytest.StashKey[Any]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("grader", "deep-learning course grader")
    group.addoption("--impl", default="student",
                    help="implementation under test: student, solutions, or a folder (default: student)")
    group.addoption("--expect-fail", action="store_true",
                    help="pass only if every test fails (checks that the skeleton earns no points)")


@pytest.hookimpl(tryfirst=True)  # before hypothesis's own plugin loads --hypothesis-profile
def pytest_configure(config: pytest.Config) -> None:
    # The tests run tiny tensors: torch's thread pool only adds contention (Gradescope
    # gives half a CPU). Read by torch when it is first imported, after this hook.
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    register_profiles()
    if not config.getoption("hypothesis_profile", None):
        settings.load_profile(default_profile())
    if config.getoption("expect_fail"):
        config.pluginmanager.register(ExpectFail(), "grader-expect-fail")


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
        if is_stub_message(message):
            report.longrepr = f"NotImplementedError: {message}"
