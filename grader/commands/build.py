"""``python -m grader build student|handout|autograder|submission``: build an artifact.

- ``student``: regenerate ``student/`` from ``solutions/``;
- ``handout``, ``autograder``: ``dist/handout.zip``, ``dist/autograder.zip`` (grader.build);
- ``submission``: ``dist/submission.zip`` from ``student/`` (or ``--source``), after checking it.
"""
from __future__ import annotations

import argparse
from pathlib import Path

WHAT = {
    "student": "regenerate student/ from solutions/",
    "handout": "dist/handout.zip for students",
    "autograder": "dist/autograder.zip for Gradescope",
    "submission": "dist/submission.zip of student/, checked first",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("what", choices=list(WHAT), help="; ".join(f"{k}: {v}" for k, v in WHAT.items()))
    parser.add_argument("--out", type=Path, help="the zip to write (default dist/<what>.zip)")
    parser.add_argument("--source", type=Path,
                        help="submission only: the folder to submit as student/ (default student/)")


def run(args: argparse.Namespace) -> int:
    if args.what == "student":
        from grader.single_source import build_student
        files = build_student()
        print(f"student/ regenerated from solutions/: {len(files)} files")
        return 0
    from grader import build
    try:
        if args.what == "submission":
            return _submission(args, build)
        out = (build.build_handout if args.what == "handout" else build.build_autograder)(out=args.out)
    except build.BuildError as exc:
        print(f"build {args.what}: {exc}")
        return 1
    print(f"{_shown(out)}: {out.stat().st_size / 1e6:.2f} MB, searched for solution code and markers: none found")
    return 0


def _submission(args: argparse.Namespace, build) -> int:
    out = build.build_submission(args.source, args.out)
    source = Path(args.source or build.REPO / "student")
    todo = build.unfinished(source)
    print(f"{_shown(out)}: {out.stat().st_size / 1e3:.1f} kB; every required file is there, compiles, "
          "and uses no forbidden API")
    if todo:
        print(f"{len(todo)} function(s) still raise NotImplementedError and will score 0:")
        for what in todo:
            print(f"  {what}")
    print(f"Upload {_shown(out)} to Gradescope.")
    return 0


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
