"""``python -m grader grade SUBMISSION``: one submission in, Gradescope's results.json out.

1. find ``student/`` in the submission and copy it out safely (``grader.submission``);
2. static checks: syntax errors (file and line) and the forbidden-API policy
   (``grader.policy``); the tests of a missing or offending file score 0 without running;
3. the public and hidden suites of the rubric, in grading mode: every probe runs
   in the sandboxed worker (``grader.sandbox``), this process only compares;
4. the graded training runs of the rubric: the worker trains the student's model
   with the student's optimizer and loop and returns predictions for the test
   inputs; this process alone holds the test labels and scores them;
5. ``results.json``, always, atomically and validated; then the summary table.
"""
from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
import traceback
from pathlib import Path

import numpy as np

from grader.harness import REPO, SandboxRunner
from grader.results import TRAINING_PREFIX, Results, summary_table
from grader.rubric import DEFAULT_RUBRIC, Rubric, RubricError, TrainingRun, load_rubric
from grader.sandbox import StudentCodeError, private_paths
from grader.submission import Submission, SubmissionError, expected_files, extract

EMBEDDED_DATASETS = ("digits", "digits_images", "mnist1d", "spirals")
TRAIN_PROBE = "grader.probes.training:train_and_predict"


def tests_of(rel: str) -> str:
    """Returns the glob of the test files that grade implementation file ``rel`` (``test_<stem>*.py``)."""
    return f"test_{Path(rel).stem}*.py"


@dataclasses.dataclass
class Findings:
    """What the checks before the suites found: notes for the student, and tests that score 0 unrun."""

    notes: list[str] = dataclasses.field(default_factory=list)
    blocked: dict[str, str] = dataclasses.field(default_factory=dict)
    training_blocked: str | None = None

    def block(self, rel: str, reason: str) -> None:
        pattern = tests_of(rel)
        self.blocked[pattern] = "\n".join(filter(None, [self.blocked.get(pattern), reason]))


def static_checks(submission: Submission) -> Findings:
    """Returns the findings of the static checks: missing files, syntax errors, forbidden APIs."""
    from grader.policy import check_tree, load_policy

    found = Findings()
    if submission.missing:
        names = ", ".join(f"student/{m}" for m in submission.missing)
        found.notes.append(f"Missing from your submission: {names}. Their tests score 0; everything else was graded.")
        for rel in submission.missing:
            found.block(rel, f"student/{rel} is missing from your submission.")
    for path in sorted(submission.root.rglob("*.py")):
        rel = path.relative_to(submission.root).as_posix()
        try:
            compile(path.read_bytes(), f"student/{rel}", "exec", dont_inherit=True)
        except SyntaxError as exc:
            message = f"student/{rel}, line {exc.lineno}: syntax error: {exc.msg}"
        except ValueError as exc:
            message = f"student/{rel} cannot be read as Python source ({exc})"
        else:
            continue
        found.notes.append(f"{message}. The tests of this file score 0.")
        found.block(rel, message)
    violations, _ = check_tree(submission.root, load_policy())
    by_file: dict[str, list[str]] = {}
    for v in violations:
        by_file.setdefault(v.path, []).append(f"student/{v}")
    for rel, lines in by_file.items():
        text = "\n".join(lines)
        found.notes.append(f"The course forbids an API that student/{rel} uses, so its tests score 0:\n{text}")
        found.block(rel, f"Not run: student/{rel} uses an API the course forbids:\n{text}")
    if by_file:
        found.training_blocked = "the submission uses an API the course forbids (see above)"
    return found


def run_suites(rubric: Rubric, runner, results: Results, blocked: dict[str, str]) -> int:
    """Runs the rubric's suites in this process against ``runner``; entries go to ``results``. Returns pytest's status."""
    import pytest

    from grader.pytest_plugin import GradingSession, ResultsRecorder

    args = [*(str(REPO / s.path) for s in rubric.suites), "--rootdir", str(REPO), "-c", str(REPO / "pyproject.toml"),
            "--impl", str(runner.root), "--rubric", str(rubric.path), "--hypothesis-profile", "grading",
            "-q", "--tb=no", "--no-header", "-p", "no:cacheprovider", "--continue-on-collection-errors",
            "-W", "ignore::pytest.PytestAssertRewriteWarning"]
    recorder = ResultsRecorder(results, rubric)
    return int(pytest.main(args, plugins=[GradingSession(runner, blocked), recorder]))


def score_predictions(run: TrainingRun, predictions, y_test: np.ndarray) -> tuple[float, str, float | None]:
    """Returns (points, output, accuracy) for the predictions a training run returned."""
    from grader import checks

    try:
        labels = checks.array(predictions, "the predicted labels", shape=y_test.shape, kind="iu")
    except AssertionError as exc:
        return 0.0, str(exc), None
    accuracy = float(np.mean(labels == y_test))
    points = run.points_for(accuracy)
    output = f"test accuracy {accuracy:.4f}"
    if run.points:
        output += f"\nfull points at {run.full:.3f} or more, none at {run.zero:.3f} or less"
    return points, output, accuracy


def _training_config(run: TrainingRun, experiment: Path | None, device: str) -> tuple[dict, bool]:
    """Returns (checked config, whether it came from the submission)."""
    from grader.config import ConfigError, load_config

    from_student = run.from_submission and experiment is not None
    config = load_config(experiment if from_student else run.config, {"device": device})
    if config["data"]["name"] not in EMBEDDED_DATASETS:
        raise ConfigError(f"data.name must be one of {', '.join(EMBEDDED_DATASETS)} for a graded run, "
                          f"got {config['data']['name']}")
    return config, from_student


def run_training(rubric: Rubric, runner, results: Results, experiment: Path | None, device: str,
                 blocked: str | None) -> None:
    """Runs and scores every graded training run of the rubric."""
    from grader import datasets
    from grader.config import ConfigError

    for run in rubric.training:
        name = TRAINING_PREFIX + run.name
        if blocked:
            results.add_test(name, 0.0, run.points, False, f"Not run: {blocked}", tags=["training"])
            continue
        try:
            config, from_student = _training_config(run, experiment, device)
        except ConfigError as exc:
            if not run.from_submission:
                raise
            results.add_test(name, 0.0, run.points, False, f"Your configs/experiment.yaml cannot be used: {exc}",
                             tags=["training"])
            continue
        X_train, y_train, X_val, y_val, X_test, y_test = datasets.load(config["data"])
        try:
            reply = runner.run(TRAIN_PROBE, [config, X_train, y_train, X_val, y_val, X_test], {},
                               timeout=run.time_limit_s)
        except StudentCodeError as exc:
            results.add_test(name, 0.0, run.points, False, f"Training failed: {exc}", tags=["training"])
            continue
        predictions = reply.get("predictions") if isinstance(reply, dict) else None
        points, output, accuracy = score_predictions(run, predictions, y_test)
        if from_student:
            output += "\n(trained with your configs/experiment.yaml)"
        results.add_test(name, points, run.points, points >= run.points and accuracy is not None, output,
                         tags=["training"])
        if run.leaderboard and accuracy is not None:
            results.add_leaderboard(run.leaderboard, round(accuracy, 4), "desc")


def grade(submission: Path, results_path: Path, rubric_path: Path = DEFAULT_RUBRIC, device: str = "cpu") -> dict:
    """Grades ``submission`` and writes ``results_path``; returns the results document.

    The document is written whatever happens; a failure of the grader itself is
    reported in its output and re-raised after writing.
    """
    results = Results()
    results_path = Path(results_path).resolve()
    try:
        rubric = load_rubric(rubric_path)
        results.visibility, results.stdout_visibility = rubric.visibility, rubric.stdout_visibility
        with tempfile.TemporaryDirectory(prefix="grade-") as tmp:
            _grade(Path(submission), Path(tmp), rubric, results, results_path, device)
    except BaseException as exc:
        results.note("The grader itself failed while grading this submission; this is not a problem of your "
                     "code. Please tell the course staff." + (f"\n({exc})" if isinstance(exc, RubricError) else ""))
        traceback.print_exc()
        raise
    finally:
        written = results.write(results_path)
    return written


def _grade(source: Path, tmp: Path, rubric: Rubric, results: Results, results_path: Path, device: str) -> None:
    try:
        submission = extract(source, tmp / "student", expected_files())
        findings = static_checks(submission)
    except SubmissionError as exc:
        reason = f"Your submission was not graded: {exc}."
        submission = Submission(root=tmp / "rejected")
        submission.root.mkdir()
        findings = Findings(notes=[reason], blocked={"*": reason}, training_blocked="the submission was rejected")
    for note in findings.notes:
        results.note(note)
    deadline = time.monotonic() + rubric.limits.budget_s
    private = private_paths(results_path.parent, rubric.path)
    # Both runners start now: workers are forked from this process as it is before any test is imported.
    runner = SandboxRunner(submission.root, limits=rubric.limits, user=rubric.user, private=private, deadline=deadline)
    runners = [runner]
    training_limits = dataclasses.replace(rubric.limits, memory_mb=None if device != "cpu" else rubric.training_memory_mb)
    if rubric.training and training_limits != rubric.limits:
        runners.append(SandboxRunner(submission.root, limits=training_limits, user=rubric.user, private=private,
                                     deadline=deadline))
    try:
        for warning in runner.sandbox.warnings:
            print(warning, file=sys.stderr)
        status = run_suites(rubric, runner, results, findings.blocked)
        if status not in (0, 1):
            results.note(f"The test run ended early (pytest status {status}); tests that did not run score 0.")
        if rubric.training:
            if runners[-1] is not runner:
                runner.close()
            run_training(rubric, runners[-1], results, submission.experiment, device, findings.training_blocked)
    finally:
        for each in runners:
            each.close()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("submission", help="a zip or a folder holding student/ (at its top or one folder down)")
    parser.add_argument("--results", default="results.json", help="where to write results.json (default ./results.json)")
    parser.add_argument("--rubric", default=str(DEFAULT_RUBRIC), help="the rubric (default configs/rubric.yaml)")
    parser.add_argument("--device", choices=("auto", "cpu", "cuda"), default="cpu",
                        help="where the graded training runs train (default cpu)")


def modules() -> list[str]:
    """Returns the stems of the implementation's modules, which name the rows of the summary table."""
    return sorted({Path(name).stem for name in expected_files() if not name.endswith("__init__.py")})


def run(args: argparse.Namespace) -> int:
    try:
        data = grade(Path(args.submission), Path(args.results), Path(args.rubric), args.device)
    except Exception:
        print(f"results written to {args.results} (the grader failed; see above)")
        return 1
    print()
    print(summary_table(data, modules()))
    print(f"results written to {args.results}")
    return 0
