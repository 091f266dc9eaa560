"""Hostile submissions, graded end to end and checked from outside: student code sees only itself, and nothing it
starts outlives the grade.

Each submission is a copy of the solutions whose ``layers/activations.py`` runs an attack when it is imported,
and prints what the attack found; the printed text reaches the public tests' output, where the test reads it.
"""
import os
import socket
import time

import pytest

from grader.sandbox import Sandbox
from grader.sandbox.isolation import namespaces_problem
from grader.testkit.harness import EXECUTOR
from tests.grader.attacks import (DAEMON_NAME, SPY_ATTEMPTS, VANDAL, printed, processes_named, refusals,
                                  repository_digest, spy)
from tests.grader.helpers import ACT, full, grade, of, rubric, submission


@pytest.fixture
def listener():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        server.settimeout(0.5)
        yield server


@pytest.mark.skipif(namespaces_problem() is not None, reason="for this machine, where namespaces work")
def test_namespaces_are_the_isolation_used_here(tmp_path):
    result = grade(tmp_path, submission(tmp_path), rubric(tmp_path, ACT))
    assert "isolation: namespaces" in result["stdout"]
    assert result["data"]["extra_data"]["isolation"].startswith("namespaces")


def test_a_spy_finds_nothing_and_its_daemon_dies_with_the_grade(tmp_path, listener):
    results_json = tmp_path / "results" / "results.json"
    other = submission(tmp_path, append={"layers/losses.py": "SECRET = 'OTHER-SUBMISSION-SECRET'\n"}, folder="other")
    before = repository_digest()
    with Sandbox(other / "student", EXECUTOR, preload=()) as neighbour:  # another submission, graded meanwhile
        source = submission(tmp_path, append={"layers/activations.py": spy(results_json, listener.getsockname()[1],
                                                                               neighbour.impl)})
        result = grade(tmp_path, source, rubric(tmp_path, ACT))
    attempts = refusals(result["data"])
    assert len(attempts) == SPY_ATTEMPTS and all(": refused (" in line for line in attempts), attempts
    assert "DAEMON started" in printed(result["data"]), "the daemon must have run for the test to mean something"
    assert full(of(result, ACT))
    time.sleep(0.5)
    assert processes_named(DAEMON_NAME) == []
    written = results_json.read_text()
    assert '"score": 1000' not in written and result["data"]["score"] == sum(t["max_score"] for t in of(result, ACT))
    with pytest.raises(socket.timeout):
        listener.accept()
    assert repository_digest() == before


def test_a_vandal_that_signals_everyone_and_deletes_everything_costs_only_itself(tmp_path):
    before = repository_digest()
    decoy = tmp_path / "instructor.txt"
    decoy.write_text("keep me")
    os.chmod(tmp_path, 0o755)
    source = submission(tmp_path, append={"layers/activations.py": VANDAL})
    result = grade(tmp_path, source, rubric(tmp_path, ACT, "tests/public/test_losses.py"))
    losses = of(result, "tests/public/test_losses.py")
    assert full(losses), "the honest module keeps its points"
    assert "VANDAL done" in printed(result["data"])
    assert decoy.read_text() == "keep me" and repository_digest() == before
