"""A fault of the machine is never scored as the student's: the submission is not graded, says so, keeps no
partial total, and the next grade-all run grades it again."""
import csv
import json
import os
import shutil
import subprocess
import sys

from tests.grader.helpers import REPO, rubric, submission

POOL = "tests/public/test_pool.py"


def broken_machine(folder):
    """Returns a PYTHONPATH under which no sandbox worker can be started: the fork server fails every spawn, as
    it does when the machine is out of processes or memory."""
    folder.mkdir()
    (folder / "sitecustomize.py").write_text(f"""\
import sys
sys.path.insert(0, {str(REPO)!r})
from grader.sandbox import forkserver, SandboxError


def spawn(self, settings, fds):
    raise SandboxError("injected fault: fork() failed: Resource temporarily unavailable")


forkserver.ForkServer.spawn = spawn
""")
    return str(folder)


def grade_all(source, out, rubric_path, pythonpath=None):
    env = {**os.environ, **({"PYTHONPATH": pythonpath} if pythonpath else {})}
    return subprocess.run([sys.executable, "-m", "grader", "grade-all", str(source), "--out", str(out), "--jobs", "1",
                           "--rubric", str(rubric_path), "--no-similarity"], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=600)


def gradebook(out):
    with open(out / "gradebook.csv", newline="") as f:
        return {row["id"]: row for row in csv.DictReader(f)}


def test_a_sandbox_that_cannot_start_leaves_the_submission_not_graded_and_the_next_run_grades_it(tmp_path):
    source = tmp_path / "class"
    source.mkdir()
    shutil.move(submission(tmp_path) / "student", source / "alice" / "student")
    rubric_path, out = rubric(tmp_path, POOL), tmp_path / "out"

    done = grade_all(source, out, rubric_path, broken_machine(tmp_path / "site"))
    row = gradebook(out)["alice"]
    assert row["status"] == "not graded" and row["total"] == "", (row, done.stdout[-2000:])
    assert all(row[k] == "" for k in row if k not in ("id", "name", "status", "seconds"))
    log = (out / "alice" / "grade.log").read_text()
    assert "injected fault" in log and "faults of the machine; the first:" in log, log[-3000:]
    data = json.loads((out / "alice" / "results.json").read_text())
    assert "not a problem of your code" in data["output"]
    assert all(t["extra_data"].get("fault") and "Not graded" in t["output"] for t in data["tests"])
    assert not any("could not check your result" in t["output"] or "memory" in t["output"] for t in data["tests"])

    done = grade_all(source, out, rubric_path)
    assert "1 to grade" in done.stdout, done.stdout[-2000:]
    row = gradebook(out)["alice"]
    assert row["status"] == "graded" and float(row["total"]) > 0, row
