"""Grades that run at once on one host share nothing: each has its own sandbox user, its own limits, and what
one closes stays closed while the other runs. (The user mode's twin of this test, which needs a Python every user
can run, is in test_distribution.py.)"""
import json
import subprocess
import sys
from pathlib import Path

from tests.grader.attacks import neighbour
from tests.grader.helpers import ACT, REPO, full, of, rubric, submission

HIDDEN = REPO / "tests" / "hidden" / "test_activations.py"
POOL = "tests/public/test_pool.py"


def start(tmp_path, source, rubric_path, name):
    results = tmp_path / name / "results.json"
    proc = subprocess.Popen([sys.executable, "-m", "grader", "grade", str(source), "--results", str(results),
                             "--rubric", str(rubric_path)], cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    return proc, results


def finish(started):
    proc, results = started
    out, _ = proc.communicate(timeout=600)
    assert proc.returncode == 0, out[-3000:]
    data = json.loads(results.read_text())
    return {"data": data, "stdout": out, "tests": {t["extra_data"]["id"]: t for t in data["tests"]}}


def test_an_honest_grade_beside_a_hostile_one_is_unaffected_and_each_has_its_own_user(tmp_path):
    honest = submission(tmp_path, folder="honest")
    hostile = submission(tmp_path, folder="hostile", append={"layers/activations.py": neighbour(
        HIDDEN, 6.0, other=honest / "student" / "layers" / "activations.py")})
    (tmp_path / "long").mkdir()
    (tmp_path / "short").mkdir()
    long_rubric, short_rubric = rubric(tmp_path / "long", ACT), rubric(tmp_path / "short", POOL)
    first = start(tmp_path, hostile, long_rubric, "hostile")
    second = start(tmp_path, honest, short_rubric, "honest")
    honest_result, hostile_result = finish(second), finish(first)
    assert full(of(honest_result, POOL)), "the honest grade lost points to its neighbour"
    assert full(of(hostile_result, ACT)), "the hostile grade's own functions are right: full marks"
    said = "\n".join(t["output"] for t in hostile_result["data"]["tests"])
    assert "NEIGHBOUR read=0 other=0 forked=" in said, said[:2000]
    users = {r["data"]["extra_data"]["isolation"].split("workers run as ")[1].split(",")[0]
             for r in (honest_result, hostile_result)}
    assert len(users) == 2, f"both grades ran their workers as the same user: {users}"


def test_a_path_closed_by_two_grades_is_reopened_only_when_the_last_one_ends(tmp_path):
    from grader.sandbox.host import ClosedPaths

    folder = tmp_path / "tests"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    first, second = ClosedPaths([folder]), ClosedPaths([folder])
    assert folder.stat().st_mode & 0o777 == 0o750
    first.release()
    assert folder.stat().st_mode & 0o777 == 0o750, "a short grade reopened what a running grade needs closed"
    second.release()
    assert folder.stat().st_mode & 0o777 == 0o755


def test_shared_folders_are_never_closed_and_each_grade_has_its_own_user(tmp_path):
    from grader.sandbox.host import UserSlot
    from grader.sandbox.isolation import private_paths

    assert Path("/tmp") not in private_paths(Path("/tmp"), Path("/tmp/x.zip").parent)
    first, second = UserSlot(), UserSlot()
    try:
        assert first.user.pw_uid != second.user.pw_uid and first.user.pw_uid != 0
    finally:
        first.release()
        second.release()
