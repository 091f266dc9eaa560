"""The rubric: the shipped one is valid, and every mistake in one is named by its field."""
import textwrap
from pathlib import Path

import pytest

from grader.grading.policies import LatePolicy, RateLimit
from grader.grading.rubric import DEFAULT_RUBRIC, RubricError, TrainingRun, load_rubric

GOOD = """\
suites:
  public: {path: tests/public, visibility: visible, details: true}
sandbox: {call_timeout_s: 5, budget_s: 60}
training:
  - {name: net, config: CONFIG, points: 4, full: 0.9, zero: 0.5, time_limit_s: 30}
"""


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "run.yaml").write_text("seed: 0\n")
    path = tmp_path / "rubric.yaml"
    path.write_text(textwrap.dedent(text).replace("CONFIG", "run.yaml"))
    return path


def test_the_shipped_rubric_is_valid():
    rubric = load_rubric(DEFAULT_RUBRIC)
    assert {s.name for s in rubric.suites} == {"public", "hidden"}
    assert not next(s for s in rubric.suites if s.name == "hidden").details
    assert rubric.limits.call_timeout_s > 0 and rubric.limits.budget_s <= 600
    for run in rubric.training:
        assert run.config.is_file()
        assert run.points == 0 or 0 <= run.zero < run.full <= 1
    assert rubric.late is None and rubric.rate_limit is None, "the submission policies are off by default"


def test_a_valid_rubric_is_read(tmp_path):
    rubric = load_rubric(write(tmp_path, GOOD))
    assert rubric.limits.call_timeout_s == 5 and rubric.limits.budget_s == 60
    assert rubric.training[0].config == (tmp_path / "run.yaml").resolve()
    assert rubric.visibility == "visible" and rubric.stdout_visibility == "hidden"


@pytest.mark.parametrize("change, message", [
    ("extra: 1\n", r"unknown key 'extra'; valid keys: results, suites, sandbox, training"),
    ("results: {visibility: everyone}\n", r"results.visibility must be one of visible, hidden"),
    ("sandbox: {call_timeout: 5}\n", r"unknown key 'sandbox.call_timeout'; valid keys: call_timeout_s"),
    ("sandbox: {call_timeout_s: -1}\n", r"sandbox.call_timeout_s must be a number > 0, got -1"),
    ("sandbox: {memory_mb: 10}\n", r"sandbox.memory_mb must be an integer >= 256"),
    ("suites: {public: {path: tests/nowhere}}\n", r"suites.public.path: tests/nowhere does not exist"),
    ("training: [{name: net, config: run.yaml, points: 1, full: 0.5, zero: 0.7}]\n",
     r"training\[0\]: zero \(0.7\) must be below full \(0.5\)"),
    ("training: [{name: net, config: missing.yaml, points: 1}]\n", r"training\[0\].config: .*missing.yaml does not exist"),
    ("training: [{name: net, config: run.yaml, points: -2}]\n", r"training\[0\].points must be a number >= 0, got -2"),
    ("training: [{name: net, config: run.yaml, points: 1, full: 1.5}]\n", r"training\[0\].full must be a number in"),
    ("training: [{name: a, config: run.yaml, points: 1}, {name: a, config: run.yaml, points: 1}]\n",
     r"training\[1\].name 'a' is used twice"),
    ("training: [{config: run.yaml, points: 1}]\n", r"training\[0\].name is required"),
])
def test_mistakes_are_named_by_their_field(tmp_path, change, message):
    base = "suites:\n  public: {path: tests/public}\n"
    key = change.split(":", 1)[0]
    text = change if key == "suites" else base + change
    with pytest.raises(RubricError, match=message):
        load_rubric(write(tmp_path, text))


def test_a_rubric_that_is_not_yaml_is_reported(tmp_path):
    path = tmp_path / "rubric.yaml"
    path.write_text("suites: [unclosed\n")
    with pytest.raises(RubricError, match="not valid YAML"):
        load_rubric(path)


def test_training_points_are_linear_between_the_thresholds(tmp_path):
    run = TrainingRun(name="r", config=tmp_path, points=4, full=0.9, zero=0.5, time_limit_s=10)
    assert run.points_for(0.95) == 4 and run.points_for(0.9) == 4
    assert run.points_for(0.5) == 0 and run.points_for(0.1) == 0
    assert run.points_for(0.7) == pytest.approx(2.0)


def test_weights_give_matching_tests_their_points_the_first_pattern_deciding(tmp_path):
    rubric = load_rubric(write(tmp_path, GOOD + textwrap.dedent("""\
        weights:
          "public/test_linear.py::test_linear_forward*": 4
          "public/test_linear.py::*": 0.5
        """)))
    assert rubric.weight_of("public/test_linear.py::test_linear_forward_matches[case]", 1.0) == 4
    assert rubric.weight_of("public/test_linear.py::test_linear_backward", 1.0) == 0.5
    assert rubric.weight_of("hidden/test_linear.py::test_linear_forward", 2.0) == 2.0
    assert load_rubric(write(tmp_path, GOOD)).weight_of("public/test_linear.py::x", 3.0) == 3.0


@pytest.mark.parametrize("weights, message", [
    ("weights: [1, 2]", "weights must map test id patterns to points"),
    ('weights: {"public/*": -1}', "weights.public/* must be a number >= 0"),
    ('weights: {"public/*": "two"}', "weights.public/* must be a number >= 0"),
])
def test_a_bad_weight_is_named(tmp_path, weights, message):
    with pytest.raises(RubricError, match=message.replace("*", r"\*")):
        load_rubric(write(tmp_path, GOOD + weights + "\n"))


def test_the_submission_policies_are_read_with_their_defaults(tmp_path):
    rubric = load_rubric(write(tmp_path, GOOD + "late: {penalty_percent: 10}\nrate_limit: {submissions: 3}\n"))
    assert rubric.late == LatePolicy(penalty_percent=10.0, per="day", late_days=0.0, max_percent=100.0)
    assert rubric.rate_limit == RateLimit(submissions=3, window="day", timezone=None, show=())
    rubric = load_rubric(write(tmp_path, GOOD + textwrap.dedent("""\
        late: {penalty_percent: 5, per: hour, late_days: 2, max_percent: 50, grace_minutes: 10}
        rate_limit: {submissions: 2, window: 6, timezone: America/New_York, show: [public, training]}
        """)))
    assert rubric.late == LatePolicy(5.0, "hour", 2.0, 50.0, 10.0)
    assert rubric.rate_limit == RateLimit(2, 6.0, "America/New_York", ("public", "training"))


@pytest.mark.parametrize("section, message", [
    ("late: {late_days: 2}", r"late.penalty_percent is required"),
    ("late: {penalty_percent: 0}", r"late.penalty_percent must be a number in \(0, 100\], got 0"),
    ("late: {penalty_percent: 10, per: week}", r"late.per must be one of day, hour, got 'week'"),
    ("late: {penalty_percent: 10, late_days: -1}", r"late.late_days must be a number >= 0, got -1"),
    ("late: {penalty_percent: 10, max_percent: 150}", r"late.max_percent must be a number in \(0, 100\]"),
    ("late: {penalty_percent: 10, days: 2}", r"unknown key 'late.days'; valid keys: penalty_percent"),
    ("late: 10", r"late must be a mapping, got int"),
    ("rate_limit: {window: 24}", r"rate_limit.submissions is required"),
    ("rate_limit: {submissions: 0}", r"rate_limit.submissions must be an integer > 0, got 0"),
    ("rate_limit: {submissions: 2, window: week}", r"rate_limit.window must be 'day' or a number of hours > 0"),
    ("rate_limit: {submissions: 2, window: -3}", r"rate_limit.window must be 'day' or a number of hours > 0, got -3"),
    ("rate_limit: {submissions: 2, timezone: Mars/Olympus}", r"rate_limit.timezone must be a time zone"),
    ("rate_limit: {submissions: 2, show: [hidden]}",
     r"rate_limit.show: 'hidden' is not a suite; valid names: public, training"),
    ("rate_limit: {submissions: 2, show: public}", r"rate_limit.show must be a list of suite names, got 'public'"),
])
def test_a_bad_submission_policy_is_named_by_its_field(tmp_path, section, message):
    with pytest.raises(RubricError, match=message):
        load_rubric(write(tmp_path, GOOD + section + "\n"))
