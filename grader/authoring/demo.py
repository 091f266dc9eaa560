"""``python -m grader demo``: grade the reference solutions as a submission and print the summary.

The first command of the README (``make demo``): everything the grade command
does (sandbox, public and hidden suites, graded training runs on the embedded
datasets), on ``solutions/``, with ``build/results.json`` as the result.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from grader.contract import REPO, SOLUTIONS
from grader.course import CourseError
from grader.grading.pipeline import chosen_assignment, grade
from grader.grading.rubric import DEFAULT_RUBRIC
from grader.grading.summary import summary_table
from grader.sandbox import SandboxError


def main(args: argparse.Namespace) -> int:
    """``python -m grader demo [--assignment NAME] [--results PATH] [--rubric PATH] [--device D]``."""
    results_path = REPO / args.results
    try:
        results = grade(SOLUTIONS, results_path, Path(args.rubric or DEFAULT_RUBRIC), args.device,
                        "none" if args.no_isolation else args.isolation, quiet=args.quiet,
                        task=chosen_assignment(args))
    except CourseError as exc:
        print(f"demo: {exc}")
        return 2
    except SandboxError as exc:
        print(f"demo: {exc}")
        return 2
    print()
    print(summary_table(results))
    print(f"results written to {args.results}")
    if results.score < results.max_score - 1e-9:
        print(f"demo: the solutions scored {results.score:g} of {results.max_score:g}; every point should be theirs")
        return 1
    print(f"demo: the solutions scored every point ({results.max_score:g}) in "
          f"{time.monotonic() - results.started:.0f} s")
    return 0
