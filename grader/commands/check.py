"""``python -m grader check``: fail when student/ is not what solutions/ generates."""
from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    from grader.single_source import check
    problems = check()
    for problem in problems:
        print(problem)
    if problems:
        print(f"\n{len(problems)} problem(s): student/ is not what the generator makes from solutions/. "
              "Fix the marker, or run `make student` (python -m grader build student).")
        return 1
    print("student/ is in sync with solutions/")
    return 0
