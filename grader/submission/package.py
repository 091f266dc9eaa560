"""``python -m grader build submission``: ``dist/submission.zip`` of ``student/``, built only when it passes the checks.

The zip holds the .py files of ``student/`` under ``student/`` and, when it
exists, the tuned ``configs/experiment.yaml`` beside ``student/`` (the
leaderboard run).
"""
from __future__ import annotations

import argparse
import tempfile
import zipfile
from pathlib import Path

from grader.contract import EXPERIMENT, REPO, stubs_in
from grader.submission import static
from grader.submission.files import python_files, required_files

_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


class SubmissionRefused(RuntimeError):
    """The student tree has problems the grader would score 0; the message lists them."""


def write_zip(out: Path, entries: dict[str, bytes], executable: set[str] = frozenset()) -> None:
    """Writes ``entries`` (zip path -> contents) to ``out``, byte for byte the same for the same input."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=out.parent, suffix=".zip.part", delete=False) as tmp:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in sorted(entries):
                info = zipfile.ZipInfo(name, _ZIP_TIME)
                info.external_attr = (0o100755 if name in executable else 0o100644) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, entries[name])
    Path(tmp.name).chmod(0o644)
    Path(tmp.name).replace(out)


def unfinished(student: Path) -> list[str]:
    """Returns the functions of ``student`` that still raise the skeleton's NotImplementedError."""
    return [what for path in python_files(student) for what in stubs_in(path.read_text(encoding="utf-8", errors="replace"))]


def build_submission(student: Path | None = None, out: Path | None = None, repo: Path = REPO,
                     required: list[str] | None = None) -> Path:
    """Returns the path of a submission zip of ``student`` (default ``student/``).

    Raises SubmissionRefused listing every problem that ``static.check`` finds;
    the zip from an earlier build is removed first, so a refused build never
    leaves a stale zip that could be uploaded by mistake.
    """
    out = Path(out or repo / "dist" / "submission.zip")
    out.unlink(missing_ok=True)
    student = Path(student or repo / "student")
    if not student.is_dir():
        raise SubmissionRefused(f"{student} is not a folder; run this from the folder that holds student/")
    experiment = student.parent / EXPERIMENT
    problems = static.check(student, required or required_files(repo),
                            experiment=experiment if experiment.is_file() else None)
    if problems:
        raise SubmissionRefused(f"{len(problems)} problem(s) to fix before submitting ({shown(out)} was not written; "
                                "an earlier one was removed):\n  " + "\n  ".join(map(str, problems)))
    entries = {f"student/{p.relative_to(student).as_posix()}": p.read_bytes() for p in python_files(student)}
    if experiment.is_file():
        entries[EXPERIMENT] = experiment.read_bytes()
    write_zip(out, entries)
    return out


def shown(path: Path) -> str:
    """Returns ``path`` relative to the working folder when it is below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def main(args: argparse.Namespace) -> int:
    """``python -m grader build submission [--source FOLDER] [--out ZIP]``."""
    out, required = args.out and Path(args.out), None
    if getattr(args, "assignment", None):  # in the repository: one assignment's files, to dist/<name>/
        from grader.course import CourseError, assignment
        try:
            task = assignment(args.assignment)
        except CourseError as exc:
            print(f"build submission: {exc}")
            return 1
        out = out or REPO / "dist" / task.name / "submission.zip"
        required = list(task.required)
    try:
        out = build_submission(args.source and Path(args.source), out, required=required)
    except SubmissionRefused as exc:
        print(f"build submission: {exc}")
        return 1
    todo = unfinished(Path(args.source or REPO / "student"))
    print(f"{shown(out)}: {out.stat().st_size / 1e3:.1f} kB; every required file is there, compiles, "
          "and uses no forbidden API")
    if todo:
        print(f"{len(todo)} function(s) still raise NotImplementedError and will score 0:")
        for what in todo:
            print(f"  {what}")
    print(f"Upload {shown(out)} to Gradescope.")
    return 0
