"""``python -m grader reweight OUT --rubric R``: a graded class under new ``weights:``, from what was recorded.

A test's points are the rubric's: the first ``weights:`` pattern that matches
its id, else its ``@weight`` (``Rubric.weight_of``, as the recorder applies it
when grading). So a change of weights needs no grading: each test entry of a
recorded ``results.json`` keeps its outcome and its share of its points (a
partial-credit test keeps its fraction) and takes its new points; the total
(less the points a late penalty took, as recorded), the parts of the summary at
the top of the results that the entries decide (the total, the table of
modules), then the tables, the pages and the report (``publish.finish``)
follow. No student code runs, and no test: a class takes seconds.

A test's ``@weight`` is known without running anything: where no pattern of the
weights a submission was graded with (``weights`` in its ``grading.json``)
matched it, its recorded points are its ``@weight``; otherwise pytest collects
the rubric's suites once, in a process of its own
(``assignments.collected_tests``). A ``weights:`` pattern that matches no test
is an error naming it: checked against the recorded test ids, then against the
collected ones.

What the results do not record, reweighting cannot keep: a test recorded at 0
points gets its new points if it passed and none otherwise (a partial-credit
test among them gets all or nothing). Graded runs and a test file that could not
be loaded keep their points, as when grading: weights do not apply to them.

``grade-all`` reweights, instead of grading again, a submission whose grade is
up to date but for the weights (``freshness.grading_key`` leaves them out).
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Callable, Iterable

from grader.authoring.assignments import unmatched_weights, weights_error
from grader.authoring.classgrading.gradebook import META, RESULTS, Gradebook, read_graded
from grader.authoring.classgrading.publish import finish
from grader.authoring.classgrading.submissions import ClassError
from grader.contract import REPO
from grader.course import CourseError
from grader.grading.results import TRAINING_PREFIX, Entry, Results, validate, write_atomic
from grader.grading.rubric import DEFAULT_RUBRIC, Rubric, RubricError, load_rubric
from grader.grading.summary import summary_markdown

WHOLE_FILE = "::(all tests)"
"""How the id of the entry of a test file that could not be loaded ends (it stands for every test of the file)."""


def _results(tests: list[dict], deduction: float, suite_of: Callable[[str], str | None]) -> Results:
    """Returns the entries of ``tests`` (a results document's) as the results the summary is made from;
    ``suite_of``: the suite of a test id."""
    results = Results()
    for test in tests:
        extra = test.get("extra_data") if isinstance(test.get("extra_data"), dict) else {}
        tags, key = [str(t) for t in test.get("tags") or []], str(extra.get("id", ""))
        run = key.startswith(TRAINING_PREFIX)
        results.entries.append(Entry(
            name=str(test.get("name", "")), score=float(test.get("score") or 0.0),
            max_score=float(test.get("max_score") or 0.0), passed=test.get("status") == "passed",
            visibility=test.get("visibility"), kind="training" if run else "test", fault=extra.get("fault"),
            module=key[len(TRAINING_PREFIX):] if run else (tags[0] if tags else None),
            suite="training" if run else suite_of(key)))
    if deduction:
        results.deduction = deduction  # a late penalty, as grading took it off
    return results


def resummarised(output: str, old: list[dict], new: list[dict], deduction: float,
                 suite_of: Callable[[str], str | None]) -> str:
    """Returns the summary ``output`` of the tests ``old`` with each of its parts that the entries decide (the
    total, the table of modules...) made from the tests ``new``: a part is replaced where the summary of ``old``
    reproduces it, so every other part (the notes, a part a policy wrote) stays as it was."""
    before = summary_markdown(_results(old, deduction, suite_of)).split("\n\n")
    after = summary_markdown(_results(new, deduction, suite_of)).split("\n\n")
    if len(before) != len(after):
        return output
    fresh = dict(zip(before, after))
    return "\n\n".join(fresh.get(part, part) for part in output.split("\n\n"))


def rescaled(score: float, old_max: float, new_max: float, passed: bool) -> float:
    """Returns the points of a test that earned ``score`` of ``old_max`` when it has ``new_max``."""
    if old_max <= 0:
        return new_max if passed else 0.0
    if score >= old_max - 1e-9:
        return new_max
    return min(max(score, 0.0) * new_max / old_max, new_max)


def collected(targets: list[str]) -> dict[str, float]:
    """Returns test id -> ``@weight`` of the tests pytest collects from ``targets`` (``collected_tests``), in a
    process of its own: what collecting imports (the tests, torch) stays out of this one, which may go on grading."""
    code = ("import json, sys; from grader.authoring.assignments import collected_tests; "
            "print(json.dumps({i: w for i, (_, w) in collected_tests(sys.argv[1:]).items()}))")
    proc = subprocess.run([sys.executable, "-c", code, *targets], cwd=REPO, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL)
    if proc.returncode == 0:
        try:
            return json.loads(proc.stdout.strip().splitlines()[-1])
        except (IndexError, ValueError):
            pass
    raise CourseError(f"the tests of {', '.join(targets)} could not be collected (status {proc.returncode}): run "
                      f"pytest --collect-only {' '.join(targets)}")


class Reweigher:
    """Applies the weights of ``rubric`` to recorded results (see the module docstring)."""

    def __init__(self, rubric: Rubric) -> None:
        self.rubric = rubric
        self._collected: dict[str, float] | None = None

    def declared(self) -> dict[str, float]:
        """Returns test id -> ``@weight`` of the tests of the rubric's suites (collected once, then kept)."""
        if self._collected is None:
            self._collected = collected([t for suite in self.rubric.suites for t in suite.targets])
        return self._collected

    def check(self, recorded: Iterable[str] = ()) -> None:
        """Raises RubricError naming the ``weights:`` patterns that match no test: none of ``recorded`` (test ids),
        then none that pytest collects from the rubric's suites."""
        unmatched = unmatched_weights(self.rubric, recorded)
        if unmatched:
            unmatched = [p for p in unmatched if p in unmatched_weights(self.rubric, self.declared())]
        if unmatched:
            raise weights_error(self.rubric, unmatched)

    def suite(self, test_id: str) -> str | None:
        """Returns the name of the rubric's suite that test ``test_id`` belongs to, if any."""
        name = test_id.split("::")[0]
        for path in (REPO / "tests" / name, REPO / name):
            if path.is_file():
                suite = self.rubric.suite_of(path)
                return suite.name if suite else None
        return None

    def points(self, test_id: str, old_max: float, old_weights: dict | None) -> float:
        """Returns the points of test ``test_id`` recorded at ``old_max`` under ``old_weights`` (None: unknown)."""
        if any(fnmatchcase(test_id, p) for p in self.rubric.weights):
            return self.rubric.weight_of(test_id, old_max)
        if old_weights is not None and not any(fnmatchcase(test_id, p) for p in old_weights):
            return old_max
        return self.declared().get(test_id, old_max)

    def results(self, data: dict, old_weights: dict | None) -> dict:
        """Returns the results document ``data`` (graded under ``old_weights``) under the rubric's weights."""
        tests = []
        for test in data.get("tests", []):
            key = (test.get("extra_data") or {}).get("id") if isinstance(test, dict) else None
            if isinstance(key, str) and not key.startswith(TRAINING_PREFIX) and not key.endswith(WHOLE_FILE):
                old_max = float(test.get("max_score") or 0.0)
                new_max = self.points(key, old_max, old_weights)
                test = {**test, "max_score": new_max,
                        "score": rescaled(float(test.get("score") or 0.0), old_max, new_max,
                                          test.get("status") == "passed")}
            tests.append(test)
        old = [t for t in data.get("tests", []) if isinstance(t, dict)]
        deduction = max(round(_sum(old) - float(data.get("score") or 0.0), 6), 0.0)
        out = {**data, "tests": tests, "score": max(round(_sum(tests) - deduction, 6), 0.0)}
        if isinstance(data.get("output"), str) and data.get("output_format") == "md":
            out["output"] = resummarised(data["output"], old, [t for t in tests if isinstance(t, dict)], deduction,
                                         self.suite)
        return out

    def folder(self, folder: Path) -> bool:
        """Rewrites ``folder/results.json`` under the rubric's weights and records them in its ``grading.json``;
        returns whether any points changed."""
        meta = json.loads((folder / META).read_text()) if (folder / META).is_file() else {}
        data = json.loads((folder / RESULTS).read_text())
        new = self.results(data, meta.get("weights") if isinstance(meta.get("weights"), dict) else None)
        problems = validate(new)
        if problems and not validate(data):  # valid as graded, it must stay so
            raise ClassError(f"{folder / RESULTS}: reweighted, it would not be valid: {problems[0]}")
        changed = new != data
        if changed:
            write_atomic(folder / RESULTS, new)
        write_atomic(folder / META, {**meta, "weights": dict(self.rubric.weights)})
        return changed


def _sum(tests: list) -> float:
    return sum(float(t.get("score") or 0.0) for t in tests if isinstance(t, dict))


def recorded_ids(folders: Iterable[Path]) -> set[str]:
    """Returns the test ids the results in ``folders`` record (not the runs', not a whole file's)."""
    ids = set()
    for folder in folders:
        try:
            tests = json.loads((folder / RESULTS).read_text()).get("tests", [])
        except (OSError, ValueError, AttributeError):
            continue
        ids |= {str(t["extra_data"]["id"]) for t in tests if isinstance(t, dict)
                and isinstance(t.get("extra_data"), dict) and "id" in t["extra_data"]}
    return {i for i in ids if not i.startswith(TRAINING_PREFIX) and not i.endswith(WHOLE_FILE)}


def _copied(folders: list[Path], out: Path) -> list[Path]:
    """Returns the submissions' folders in ``out``, copied there first when it is elsewhere."""
    out.mkdir(parents=True, exist_ok=True)
    copies = []
    for folder in folders:
        if folder.resolve() != (out / folder.name).resolve():
            shutil.copytree(folder, out / folder.name, dirs_exist_ok=True)
        copies.append(out / folder.name)
    return copies


def main(args: argparse.Namespace) -> int:
    """``python -m grader reweight OUT --rubric R [--out DIR] [--compare OLD] [--format F]``."""
    start = time.monotonic()
    try:
        rubric = load_rubric(Path(args.rubric or DEFAULT_RUBRIC))
        source = Path(args.folder)
        graded = sorted(p.parent for p in source.glob(f"*/{META}") if (p.parent / RESULTS).is_file())
        if not graded:
            raise ClassError(f"{source}: no graded submissions (<id>/{META} beside <id>/{RESULTS}) in it")
        weigher = Reweigher(rubric)
        weigher.check(recorded_ids(graded))
        folders = _copied(graded, Path(args.out or source))
        changed = sum(weigher.folder(f) for f in folders)
        book = Gradebook([read_graded(f) for f in folders])
        print(f"reweight: {len(folders)} submissions, {changed} with new points, from their recorded outcomes in "
              f"{time.monotonic() - start:.1f} s (no code ran)", flush=True)
        return finish(Path(args.out or source), book, Path(args.compare) if args.compare else None, "reweight",
                      args.format or ())
    except (ClassError, RubricError, CourseError, OSError, json.JSONDecodeError) as exc:
        print(f"reweight: {exc}")
        return 2
