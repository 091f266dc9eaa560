"""The grading side of the pytest plugin: grading mode (``--sandbox``), results.json (``--results``), blocked tests.

Loaded beside ``grader.testkit.plugin`` in the repository and the autograder
(pyproject.toml), never in the handout. Options:

- ``--sandbox``: grading mode: probes run in a sandboxed worker process (``grader.sandbox``);
- ``--results PATH``: write Gradescope's ``results.json`` (every outcome becomes an entry
  with its full ``max_score``), validated, atomically, and print the summary table;
- ``--rubric PATH``: the rubric giving suite visibility and sandbox limits (default configs/rubric.yaml).
"""
from __future__ import annotations

from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import pytest

from grader.grading.messages import Blocked
from grader.grading.recorder import ResultsRecorder
from grader.grading.results import Results
from grader.grading.rubric import DEFAULT_RUBRIC, Rubric, load_rubric
from grader.grading.runner import SandboxRunner
from grader.sandbox import private_paths
from grader.testkit.harness import resolve_impl
from grader.testkit.plugin import RUNNER


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("grader", "deep-learning course grader")
    group.addoption("--sandbox", action="store_true",
                    help="grading mode: run the implementation in a sandboxed worker process")
    group.addoption("--results", default=None, metavar="PATH",
                    help="write Gradescope's results.json to PATH and print the summary table")
    group.addoption("--rubric", default=None, metavar="PATH",
                    help="rubric with suite visibility and sandbox limits (default: configs/rubric.yaml)")


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("sandbox"):
        start_sandbox(config)
    if config.getoption("results") and not config.pluginmanager.has_plugin(ResultsRecorder.NAME):
        config.option.continue_on_collection_errors = True
        rubric = config_rubric(config)
        recorder = ResultsRecorder(Results(rubric.visibility, rubric.stdout_visibility), rubric,
                                   Path(config.getoption("results")))
        config.pluginmanager.register(recorder, ResultsRecorder.NAME)


def config_rubric(config: pytest.Config) -> Rubric:
    """Returns the rubric named by ``--rubric`` (or the default one)."""
    return load_rubric(config.getoption("rubric") or DEFAULT_RUBRIC)


def start_sandbox(config: pytest.Config) -> None:
    """Starts the sandboxed runner of ``--sandbox`` now, before any test module is imported.

    Workers are forked from this process as it is now (see ``grader.sandbox.Sandbox``).
    """
    rubric = config_rubric(config)
    results = config.getoption("results")
    runner = SandboxRunner(resolve_impl(config.getoption("impl")), limits=rubric.limits, user=rubric.user,
                           private=private_paths(*([Path(results).resolve().parent] if results else [])))
    config.stash[RUNNER] = runner
    config.add_cleanup(runner.close)


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
        self.runner.scope = item.nodeid  # time-outs count per test
        reasons = [reason for pattern, reason in self.blocked.items() if fnmatch(item.path.name, pattern)]
        if reasons:
            raise Blocked("\n".join(reasons))
