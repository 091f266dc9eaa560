"""``python -m grader demo``: grade the reference solutions as a submission and print the summary.

The first command of the README (``make demo``): everything the grade command
does (sandbox, public and hidden suites, graded training runs on the embedded
datasets), on ``solutions/``, with ``build/results.json`` as the result.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from grader.grade import grade, modules
from grader.harness import REPO
from grader.results import summary_table
from grader.rubric import DEFAULT_RUBRIC

DEFAULT_RESULTS = REPO / "build" / "results.json"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--results", default=str(DEFAULT_RESULTS), help="where to write results.json "
                        "(default build/results.json)")
    parser.add_argument("--rubric", default=str(DEFAULT_RUBRIC), help="the rubric (default configs/rubric.yaml)")
    parser.add_argument("--device", choices=("auto", "cpu", "cuda"), default="cpu",
                        help="where the graded training runs train (default cpu)")


def run(args: argparse.Namespace) -> int:
    data = grade(REPO / "solutions", Path(args.results), Path(args.rubric), args.device)
    best = sum(t["max_score"] for t in data["tests"])
    print()
    print(summary_table(data, modules()))
    print(f"results written to {args.results}")
    if data["score"] != best:
        print(f"demo: the solutions scored {data['score']:g} of {best:g}; every point should be theirs")
        return 1
    print(f"demo: the solutions scored every point ({best:g}) in {data['execution_time']:.0f} s")
    return 0
