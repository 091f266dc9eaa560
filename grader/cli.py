"""Command line of the kit: ``python -m grader COMMAND``."""
from __future__ import annotations

import argparse
import sys


def _build(args: argparse.Namespace) -> int:
    from grader.single_source import build_student
    files = build_student()
    print(f"student/ regenerated from solutions/: {len(files)} files")
    return 0


def _check(args: argparse.Namespace) -> int:
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


def _mutants(args: argparse.Namespace) -> int:
    from grader.mutants import run_all
    return run_all(only=args.only, jobs=args.jobs)


def _bench(args: argparse.Namespace) -> int:
    from grader.bench import main as bench_main
    return bench_main()


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m grader", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build an artifact from the single source")
    b.add_argument("what", choices=["student"], help="student: regenerate student/ from solutions/")
    b.set_defaults(func=_build)
    sub.add_parser("check", help="fail when student/ is not what solutions/ generates").set_defaults(func=_check)
    m = sub.add_parser("mutants", help="grade every mutant in tests/mutants and print the kill rate")
    m.add_argument("--only", help="only mutants whose name contains this text")
    m.add_argument("--jobs", type=int, default=2, help="mutants graded at once (default 2)")
    m.set_defaults(func=_mutants)
    sub.add_parser("bench", help="time the public suite and the numpy convolution").set_defaults(func=_bench)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.func(args)
