"""Late penalties and rate limits: by the rubric and Gradescope's submission metadata, never by the clock.

Most tests apply the policies to results made by hand; two grade a one-file rubric end to end through
``grade --metadata``, and one runs run_autograder with a stand-in interpreter to see that it passes the metadata.
"""
import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from grader.grading.policies import LatePolicy, RateLimit, apply_policies
from grader.grading.results import Results, validate
from tests.grader.helpers import ACT, REPO, rubric, submission

DUE = datetime.fromisoformat("2024-03-01T23:00:00-08:00")


def results() -> Results:
    """8 of 10 points: two public tests, a hidden test, a graded run; and a leaderboard value."""
    r = Results()
    r.add_test("linear: forward", 3, 3, True, "ok", module="linear", suite="public", id="public/test_linear.py::a")
    r.add_test("linear: backward", 0, 2, False, "wrong sign", module="linear", suite="public",
               id="public/test_linear.py::b")
    r.add_test("linear (hidden): shapes", 3, 3, True, "", module="linear", suite="hidden",
               id="hidden/test_linear.py::c")
    r.add_run("mlp", 2, 2, True, "accuracy 0.97", "accuracy 0.970")
    r.add_leaderboard("accuracy", 0.97)
    return r


def metadata(tmp_path: Path, submitted: datetime, previous=(), due: datetime | None = DUE, users=None,
             **fields) -> Path:
    """Writes Gradescope's submission_metadata.json for a submission at ``submitted``."""
    data = {"id": 1, "created_at": submitted.isoformat(),
            "assignment": {"due_date": None if due is None else due.isoformat(), "late_due_date": None,
                           "title": "HW"},
            "users": users or [{"email": "ann@example.edu", "id": 1, "name": "Ann Lee"}],
            "previous_submissions": [{"submission_time": p.isoformat(), "score": 1.0, "results": {}}
                                     for p in previous], **fields}
    path = tmp_path / "submission_metadata.json"
    path.write_text(json.dumps(data))
    return path


def page(r: Results) -> dict:
    data = r.to_dict()
    assert validate(data) == []
    return data


# ---- late ------------------------------------------------------------------------------------------------

def test_a_late_submission_loses_the_penalty_and_the_top_of_its_page_says_how_much_and_why(tmp_path):
    r = results()
    r.note("Missing from your submission: student/x.py.")
    apply_policies(LatePolicy(penalty_percent=10), None, metadata(tmp_path, DUE + timedelta(days=1, hours=3)), r)
    data = page(r)
    assert data["score"] == pytest.approx(8 * 0.8)
    assert [t["score"] for t in data["tests"]] == [3, 0, 3, 2], "each test keeps what it earned"
    top = data["output"]
    assert top.startswith("**Total: 6.4/10 points** (8/10 before the late penalty)")
    late = top.index("Late: submitted 1 day 3 hours after the due date (Fri 01 Mar 2024 23:00 UTC-08:00)")
    assert late < top.index("Missing from your submission"), "the late note comes first"
    assert "10% of the points off per started day late" in top
    assert "2 started days, 20% off: 8/10 points before the penalty, 6.4/10 after." in top
    facts = data["extra_data"]["policy"]["late"]
    assert facts["percent_off"] == 20 and facts["points_before"] == 8 and facts["points_after"] == pytest.approx(6.4)


def test_within_the_late_days_there_is_no_penalty_and_beyond_them_each_started_unit_counts(tmp_path):
    policy = LatePolicy(penalty_percent=5, per="hour", late_days=2)
    r = results()
    apply_policies(policy, None, metadata(tmp_path, DUE + timedelta(days=1, hours=23, minutes=59)), r)
    data = page(r)
    assert data["score"] == 8 and r.deduction == 0
    assert "Late: submitted 1 day 23 hours after the due date" in data["output"]
    assert "within the 2 late days this assignment allows: no penalty" in data["output"]
    r = results()
    apply_policies(policy, None, metadata(tmp_path, DUE + timedelta(days=2, hours=1, minutes=1)), r)
    data = page(r)
    assert data["score"] == pytest.approx(8 * 0.9)
    assert "2 late days without penalty, then 5% of the points off per started hour late" in data["output"]
    assert "2 started hours beyond the late days, 10% off" in data["output"]


def test_the_penalty_stops_at_its_cap_an_extension_moves_the_due_date_and_grace_forgives_minutes(tmp_path):
    r = results()
    apply_policies(LatePolicy(penalty_percent=10, max_percent=30), None,
                   metadata(tmp_path, DUE + timedelta(days=9)), r)
    assert page(r)["score"] == pytest.approx(8 * 0.7) and "at most 30%" in r.notes[0]
    extended = [{"name": "Ann", "assignment": {"due_date": (DUE + timedelta(days=3)).isoformat()}}, {"name": "Bo"}]
    r = results()
    apply_policies(LatePolicy(penalty_percent=10), None, metadata(tmp_path, DUE + timedelta(days=2), users=extended), r)
    assert page(r)["score"] == 8 and r.notes == [], "a member's extension counts for the group"
    assert r.staff["policy"]["late"]["due"] == (DUE + timedelta(days=3)).isoformat()
    r = results()
    apply_policies(LatePolicy(penalty_percent=10, grace_minutes=15), None,
                   metadata(tmp_path, DUE + timedelta(minutes=14)), r)
    assert page(r)["score"] == 8 and r.notes == []
    r = results()
    apply_policies(LatePolicy(penalty_percent=10), None, metadata(tmp_path, DUE - timedelta(seconds=1)), r)
    assert page(r)["score"] == 8 and r.notes == [] and r.staff["policy"]["late"]["hours_late"] == 0


# ---- rate limit ------------------------------------------------------------------------------------------

def test_a_submission_beyond_the_daily_allowance_shows_only_the_allowed_suites_and_says_when(tmp_path):
    now = datetime.fromisoformat("2024-03-01T15:30:00-08:00")
    earlier = [now - timedelta(hours=3), now - timedelta(hours=9), now - timedelta(hours=16)]  # the last: yesterday
    r = results()
    apply_policies(None, RateLimit(submissions=2, show=("public",)), metadata(tmp_path, now, earlier), r)
    data = page(r)
    assert data["score"] == 8, "graded, and its score counts"
    shown = {t["extra_data"]["id"] for t in data["tests"] if t.get("visibility") != "hidden"}
    assert shown == {"public/test_linear.py::a", "public/test_linear.py::b"}
    assert data["leaderboard"] == [] and data["extra_data"]["policy"]["rate_limit"]["leaderboard"]
    top = data["output"]
    assert top.startswith("**Total: not shown**") and "8/10" not in top and "10 points" not in top
    assert "full feedback for 2 submissions per day, and this is your 3rd submission today" in top
    assert "this page shows only the tests of public" in top
    assert "Your next submission gets full feedback from Sat 02 Mar 2024 00:00 UTC-08:00 on." in top
    assert "| linear | 3/5 | **3/5** |" in top and "mlp" not in top, "the table counts only what is shown"
    assert data["extra_data"]["policy"]["rate_limit"]["next_full_feedback"] == "2024-03-02T00:00:00-08:00"


def test_a_rolling_window_counts_the_last_hours_and_the_next_full_feedback_is_when_one_ages_out(tmp_path):
    now = datetime.fromisoformat("2024-03-01T12:00:00+01:00")
    earlier = [now - timedelta(hours=1), now - timedelta(hours=5), now - timedelta(hours=7), now + timedelta(hours=1)]
    r = results()
    apply_policies(None, RateLimit(submissions=2, window=6.0), metadata(tmp_path, now, earlier), r)
    data = page(r)
    assert all(t["visibility"] == "hidden" for t in data["tests"])
    assert "this page shows nothing more" in data["output"]
    assert "this is your 3rd submission in the last 6 hours" in data["output"]
    assert "from Fri 01 Mar 2024 17:00 UTC+01:00 on" in data["output"]  # an hour ago, plus 6 hours


def test_a_submission_within_the_allowance_and_a_rubric_without_policies_change_nothing(tmp_path):
    now = datetime.fromisoformat("2024-03-01T15:30:00-08:00")
    for late, limit in ((None, RateLimit(submissions=2, timezone="America/Los_Angeles")), (None, None)):
        r, before = results(), page(results())
        apply_policies(late, limit, metadata(tmp_path, now, [now - timedelta(hours=1)]), r)
        data = page(r)
        assert data["tests"] == before["tests"] and data["output"] == before["output"]
        assert data["leaderboard"] == before["leaderboard"]
    assert "policy" not in r.staff


# ---- metadata that cannot be used ------------------------------------------------------------------------

@pytest.mark.parametrize("text, said", [
    ("{not json", "cannot be read as JSON"),
    ("[1, 2]", "must hold a JSON object"),
    ('{"assignment": {}}', "created_at must be an ISO 8601 time, got None"),
    ('{"created_at": "yesterday", "assignment": {}}', "created_at must be an ISO 8601 time"),
    ('{"created_at": "2024-03-01T10:00:00", "assignment": {}}', "created_at has no UTC offset"),
    ('{"created_at": "2024-03-01T10:00:00Z", "assignment": {"due_date": 5}, "previous_submissions": {}}',
     "assignment.due_date must be an ISO 8601 time, got 5"),
    ('{"created_at": "2024-03-01T10:00:00Z", "assignment": {"due_date": null}, "previous_submissions": [{}]}',
     "no due date"),
])
def test_metadata_that_cannot_be_used_leaves_the_grade_as_it_is_with_a_note_for_the_staff(tmp_path, text, said):
    path = tmp_path / "submission_metadata.json"
    path.write_text(text)
    r, before = results(), page(results())
    apply_policies(LatePolicy(penalty_percent=50), RateLimit(submissions=1), path, r)
    data = page(r)
    assert data["score"] == 8 and data["tests"] == before["tests"]
    assert any(said in why for why in data["extra_data"]["policy"]["not_applied"]), data["extra_data"]
    r = results()
    apply_policies(LatePolicy(penalty_percent=50), None, None, r)
    assert "no submission metadata" in r.staff["policy"]["not_applied"][0] and page(r)["score"] == 8


# ---- end to end ------------------------------------------------------------------------------------------

def grade_with(tmp_path: Path, rubric_path: Path, meta: Path) -> tuple[dict, str]:
    """Grades the solutions on ``rubric_path`` by ``python -m grader grade --metadata``; returns results, stdout."""
    out = tmp_path / "out" / "results.json"
    proc = subprocess.run([sys.executable, "-m", "grader", "grade", str(submission(tmp_path)), "--results", str(out),
                           "--rubric", str(rubric_path), "--metadata", str(meta), "--quiet"],
                          cwd=REPO, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    data = json.loads(out.read_text())
    assert validate(data) == []
    return data, proc.stdout


def with_policies(path: Path) -> Path:
    path.write_text(path.read_text() + "late: {penalty_percent: 25, late_days: 1}\n"
                    "rate_limit: {submissions: 1, window: 12}\n")
    return path


def test_grade_metadata_applies_the_late_penalty_and_the_rate_limit_end_to_end(tmp_path):
    now = DUE + timedelta(days=1, hours=2)
    data, _ = grade_with(tmp_path, with_policies(rubric(tmp_path, ACT)),
                         metadata(tmp_path, now, [now - timedelta(hours=11)]))
    top = sum(t["max_score"] for t in data["tests"])
    assert top > 0 and data["score"] == pytest.approx(top * 0.75)
    assert all(t["score"] == t["max_score"] and t["visibility"] == "hidden" for t in data["tests"])
    output = data["output"]
    assert output.startswith("**Total: not shown**") and f"{top:g}" not in output
    assert output.index("Feedback limited") < output.index("Late: submitted 1 day 2 hours after the due date")
    # One submission in 12 hours, and this one counts too: full feedback again 12 hours after it.
    assert "Your next submission gets full feedback from Sun 03 Mar 2024 13:00 UTC-08:00 on." in output
    assert "1 started day beyond the late days, 25% off: its points are not shown" in output
    late = data["extra_data"]["policy"]["late"]
    assert late["points_before"] == top and late["points_after"] == pytest.approx(top * 0.75)


def test_grade_with_malformed_metadata_grades_in_full_and_tells_the_staff(tmp_path):
    meta = tmp_path / "submission_metadata.json"
    meta.write_text('{"created_at": "2024-03-01T10:00:00-08:00", "assignment": ["not", "an", "object"]}')
    data, stdout = grade_with(tmp_path, with_policies(rubric(tmp_path, ACT)), meta)
    assert data["score"] == sum(t["max_score"] for t in data["tests"]) > 0
    assert not any(t.get("visibility") == "hidden" for t in data["tests"]), "one submission: within the limit"
    assert data["extra_data"]["policy"]["rate_limit"]["limited"] is False
    assert any("assignment must be an object" in why for why in data["extra_data"]["policy"]["not_applied"])
    assert "policy: not applied: late policy: assignment must be an object" in stdout
    assert "Late" not in data["output"]


def test_run_autograder_passes_gradescope_metadata_to_the_grader(tmp_path):
    """run_autograder, with a stand-in interpreter that records how the grader is called and writes results."""
    root = tmp_path / "autograder"
    (root / "source").mkdir(parents=True)
    (root / "submission").mkdir()
    script = REPO / "grader" / "authoring" / "templates" / "autograder" / "run_autograder"
    fake = tmp_path / "python"
    fake.write_text(f"""#!/usr/bin/env bash
if [ "$1" = "-m" ]; then
    echo "$@" > {tmp_path}/args
    echo '{{"score": 1, "execution_time": 0, "output": "", "visibility": "visible", "stdout_visibility": "hidden", \
"tests": [], "leaderboard": []}}' > "$6"
    exit 0
fi
exec {sys.executable} "$@"
""")
    fake.chmod(0o755)
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "PYTHON": str(fake)}
    subprocess.run(["bash", str(script)], env=env, check=True, capture_output=True, timeout=60)
    assert "--metadata" not in (tmp_path / "args").read_text(), "no metadata: no argument"
    metadata(root, DUE, [DUE - timedelta(hours=1)])
    subprocess.run(["bash", str(script)], env=env, check=True, capture_output=True, timeout=60)
    assert (tmp_path / "args").read_text().split()[-2:] == ["--metadata", str(root / "submission_metadata.json")]
    assert "Submission 2 of this assignment." in json.loads((root / "results" / "results.json").read_text())["output"]
