"""``python -m grader build student``: regenerate an artifact from the single source."""
from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("what", choices=["student"], help="student: regenerate student/ from solutions/")


def run(args: argparse.Namespace) -> int:
    from grader.single_source import build_student
    files = build_student()
    print(f"student/ regenerated from solutions/: {len(files)} files")
    return 0
