"""``python -m grader grade SUBMISSION``: one submission in, Gradescope's results.json out.

1. find ``student/`` in the submission and copy it out safely (``intake``);
2. static checks: missing files, syntax errors (file and line) and the
   forbidden-API policy (``grader.submission.static``); the tests of an
   offending file score 0 without running;
3. the public and hidden suites of the rubric, in grading mode: every probe runs
   in the sandboxed worker (``grader.sandbox``), this process only compares;
4. the graded training runs of the rubric (``runs``);
5. the rubric's late policy and rate limit, by Gradescope's submission metadata (``policies``; ``--metadata``);
6. ``results.json``, always, atomically and validated; then the summary table.
"""
from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

from grader.contract import REPO, grades, test_glob
from grader.course import Assignment, CourseError, assignment, given_code
from grader.grading.datasets import MNIST1D_SEEDS, TRUSTED, graded_split
from grader.grading.imports import import_failures
from grader.grading.intake import Submission, SubmissionError, extract
from grader.grading.plugin import GradingSession
from grader.grading.policies import apply_policies
from grader.grading.recorder import ResultsRecorder
from grader.grading.results import Results
from grader.grading.rubric import DEFAULT_RUBRIC, Rubric, RubricError, load_rubric
from grader.grading.runner import SandboxRunner, preload_for
from grader.grading.runs import run_training
from grader.grading.summary import summary_table
from grader.sandbox import SandboxError, private_paths
from grader.sandbox.isolation import NONE, gpu_devices
from grader.submission import static
from grader.submission.files import required_modules
from grader.submission.shadows import drop_rivals
from grader.training.config import load_config


@dataclasses.dataclass
class Findings:
    """What the checks before the suites found: notes for the student, and tests that score 0 unrun."""

    notes: list[str] = dataclasses.field(default_factory=list)
    blocked: dict[str, str] = dataclasses.field(default_factory=dict)
    training_blocked: str | None = None

    def block(self, rel: str, reason: str) -> None:
        pattern = test_glob(rel)
        self.blocked[pattern] = "\n".join(filter(None, [self.blocked.get(pattern), reason]))


def static_findings(submission: Submission, required: list[str] | None = None) -> Findings:
    """Returns what the static checks of ``grader.submission.static`` mean for grading (``required``: the files
    the submission must hold, default the required list)."""
    found = Findings()
    required = [rel for rel in (required or required_modules()) if not rel.endswith("__init__.py")]
    problems = static.check(submission.root, required)
    missing = [p for p in problems if p.kind == static.MISSING]
    if missing:
        names = ", ".join(f"student/{p.file}" for p in missing)
        found.notes.append(f"Missing from your submission: {names}. Their tests score 0; everything else was graded.")
    for p in missing:
        found.block(p.file, f"{p}.")
    for p in problems:
        if p.kind in (static.SYNTAX, static.SHADOW):
            found.notes.append(f"{p}.")
            found.block(p.file, str(p))
        if p.kind == static.LOCAL_ONLY:
            found.notes.append(f"{p}.")
    forbidden: dict[str, list[str]] = {}
    for p in problems:
        if p.kind == static.POLICY:
            forbidden.setdefault(p.file, []).append(str(p))
    for rel, lines in forbidden.items():
        text = "\n".join(lines)
        found.notes.append(f"The course forbids an API that student/{rel} uses, so its tests score 0:\n{text}")
        found.block(rel, f"Not run: student/{rel} uses an API the course forbids:\n{text}")
    if forbidden:
        found.training_blocked = "the submission uses an API the course forbids (see above)"
    return found


def test_files(rubric: Rubric) -> list[Path]:
    """Returns the paths of the test files the rubric's suites run."""
    paths = [REPO / target for suite in rubric.suites for target in suite.targets]
    return [p for path in paths for p in (sorted(path.rglob("test_*.py")) if path.is_dir() else [path])]


def run_suites(rubric: Rubric, runner, results: Results, blocked: dict[str, str]) -> int:
    """Runs the rubric's suites in this process against ``runner``; entries go to ``results``. Returns pytest's status."""
    import pytest

    args = [*(str(REPO / t) for s in rubric.suites for t in s.targets),
            "--rootdir", str(REPO), "-c", str(REPO / "pyproject.toml"),
            "--impl", str(runner.root), "--rubric", str(rubric.path), "--hypothesis-profile", "grading",
            "-q", "--tb=no", "-rN", "--no-header", "-p", "no:cacheprovider", "-p", "no:logging",
            "--continue-on-collection-errors",
            "-W", "ignore::pytest.PytestAssertRewriteWarning"]
    recorder = ResultsRecorder(results, rubric)
    return int(pytest.main(args, plugins=[GradingSession(runner, blocked), recorder]))


def grade(submission: Path, results_path: Path, rubric_path: Path = DEFAULT_RUBRIC, device: str = "cpu",
          isolation: str = "auto", quiet: bool = False, task: Assignment | None = None,
          metadata: Path | None = None) -> Results:
    """Grades ``submission``, writes ``results_path`` and returns the results.

    ``isolation``: how student code is kept apart (``grader.sandbox.isolation.MODES``);
    grading refuses (raises SandboxError, after writing the results) when it cannot be had.

    The document is written whatever happens; a failure of the grader itself is
    reported in its output and re-raised after writing. ``quiet``: the test
    run's own output is dropped (the caller prints the summary). ``task``: one
    assignment of the course (its tests, runs and required files; its given
    files from the reference); default the whole course, or what an
    autograder's rubric, required list and ``given/`` say. ``metadata``: Gradescope's
    ``submission_metadata.json`` of the submission, from which the rubric's late policy and rate limit are
    applied (``grader.grading.policies``; metadata it cannot use never fails the grade).
    """
    results = Results()
    results_path = Path(results_path).resolve()
    try:
        rubric = load_rubric(rubric_path)
        if task is not None:
            rubric = rubric.for_assignment(task)
        results.visibility, results.stdout_visibility = rubric.visibility, rubric.stdout_visibility
        with tempfile.TemporaryDirectory(prefix="grade-") as tmp, _silenced(quiet):
            _grade(Path(submission), Path(tmp), rubric, results, results_path, device, isolation, task)
        apply_policies(rubric.late, rubric.rate_limit, None if metadata is None else Path(metadata), results)
    except SandboxError as exc:
        results.note(f"This submission was not graded: the grader could not run student code safely here ({exc}). "
                     "This is not a problem of your code. Please tell the course staff.")
        raise
    except BaseException as exc:
        results.note("The grader itself failed while grading this submission; this is not a problem of your "
                     "code. Please tell the course staff." + (f"\n({exc})" if isinstance(exc, RubricError) else ""))
        traceback.print_exc()
        raise
    finally:
        results.write(results_path)
    return results


@contextlib.contextmanager
def _silenced(quiet: bool):
    """Sends what the test run prints to /dev/null when ``quiet``."""
    if not quiet:
        yield
        return
    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
        yield


def _grade(source: Path, tmp: Path, rubric: Rubric, results: Results, results_path: Path, device: str,
           isolation: str, task: Assignment | None) -> None:
    try:
        submission = extract(source, tmp / "student")
        given = given_code(task)
        for rel, data in given.items():  # the reference code of the given files, whatever the submission holds
            (submission.root / rel).parent.mkdir(parents=True, exist_ok=True)
            (submission.root / rel).write_bytes(data)
        drop_rivals(submission.root, list(given))  # and nothing that Python would import in their place
        required = None if task is None or task.whole else [*task.required, *given]
        findings = static_findings(submission, required)
        drop_rivals(submission.root)  # what runs is the source the checks read
    except SubmissionError as exc:
        reason = f"Your submission was not graded: {exc}."
        submission = Submission(root=tmp / "rejected")
        submission.root.mkdir()
        findings = Findings(notes=[reason], blocked={"*": reason}, training_blocked="the submission was rejected")
    for note in findings.notes:
        results.note(note)
    # The runner starts now: in the modes without namespaces, workers are forked from this process as it is
    # before any test is imported.
    runner = SandboxRunner(submission.root, limits=rubric.limits, user=rubric.user, isolation=isolation,
                           private=private_paths(results_path.parent, rubric.path, source, source.resolve().parent),
                           deadline=time.monotonic() + rubric.limits.budget_s,
                           devices=gpu_devices() if device != "cpu" else (),
                           preload=preload_for(test_files(rubric), submission.root, bool(rubric.training)))
    results.staff["isolation"] = runner.describe()
    print(f"isolation: {runner.describe()}", flush=True)
    try:
        for note in import_failures(runner, submission.root, test_files(rubric), findings.blocked):
            results.note(note)
        status = run_suites(rubric, runner, results, findings.blocked)
        if status not in (0, 1):
            results.note(f"The test run ended early (pytest status {status}); tests that did not run score 0.")
        training_limits = dataclasses.replace(rubric.limits, memory_mb=None if device != "cpu"
                                              else rubric.training_memory_mb)
        run_training(rubric, runner, training_limits, results, submission.experiment, device,
                     findings.training_blocked)
    finally:
        runner.close()
        results.staff["sandbox_cpu_s"] = round(runner.sandbox.hidden_cpu_s, 2)
        report_faults(runner.sandbox.faults, results)


def report_faults(faults: list[str], results: Results) -> None:
    """Writes every fault of the machine (retried or not) to the log, in full, and keeps them for the staff."""
    if faults:
        results.staff["machine_faults"] = [f[:500] for f in faults[:20]]
        print(f"sandbox: {len(faults)} faults of the machine; the first:\n{faults[0]}", file=sys.stderr)
        for fault in faults[1:]:
            print(f"sandbox: then: {fault}", file=sys.stderr)
        sys.stderr.flush()


def prepare(rubric_path: Path = DEFAULT_RUBRIC) -> None:
    """Generates what grading with the rubric reads and the grader keeps (``grader.grading.datasets.CACHE``): the
    MNIST-1D datasets of the hidden tests of load_mnist1d and of the graded runs. setup.sh runs it once, so that
    no grade generates them."""
    rubric = load_rubric(rubric_path)
    if any(grades(name, "utils/data.py") for name in test_files(rubric)):
        for seed in MNIST1D_SEEDS:
            TRUSTED.load_mnist1d(seed)
    for run in rubric.training:
        data = load_config(run.config)["data"]
        if data["name"] == "mnist1d":
            graded_split(data, run.name)


def chosen_assignment(args: argparse.Namespace) -> Assignment | None:
    """Returns the assignment ``--assignment`` names (None without it); raises CourseError when it is unknown."""
    if not getattr(args, "assignment", None):
        return None
    rubric = load_rubric(Path(args.rubric or DEFAULT_RUBRIC))
    return assignment(args.assignment, runs=[r.name for r in rubric.training])


def main(args: argparse.Namespace) -> int:
    """``python -m grader grade SUBMISSION [--results PATH] [--rubric PATH] [--device D] [--metadata PATH]``."""
    try:
        task = chosen_assignment(args)
        metadata = getattr(args, "metadata", None)
        results = grade(Path(args.submission), Path(args.results), Path(args.rubric or DEFAULT_RUBRIC), args.device,
                        NONE if args.no_isolation else args.isolation, quiet=args.quiet, task=task,
                        metadata=Path(metadata) if metadata else None)
    except CourseError as exc:
        print(f"grade: {exc}")
        return 2
    except SandboxError as exc:
        print(f"grade: {exc}\nresults written to {args.results} (nothing was graded)")
        return 2
    except Exception:
        print(f"results written to {args.results} (the grader failed; see above)")
        return 1
    if results.faults:
        print(summary_table(results))
        print(f"grade: not graded: {len(results.faults)} tests could not run because of faults of the machine "
              f"(the first: {results.faults[0].fault.splitlines()[0]})\nresults written to {args.results}")
        return 2
    if not args.quiet:
        print()
    print(summary_table(results))
    print(f"results written to {args.results}")
    return 0
