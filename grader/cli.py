"""Command line of the kit: ``python -m grader COMMAND``.

Each command lives in its own module of ``grader``, which provides
``add_arguments(parser)`` and ``run(args) -> exit status``.
"""
from __future__ import annotations

import argparse
import importlib

COMMANDS = {
    "build": ("grader.commands.build", "build an artifact: the student skeleton, handout, autograder, submission"),
    "check": ("grader.commands.check", "fail when student/ is not what solutions/ generates"),
    "mutants": ("grader.mutants", "grade every mutant in tests/mutants and print the kill rate"),
    "bench": ("grader.bench", "time the public suite and the numpy convolution against torch"),
    "train": ("grader.training", "train a model from a config and write its curves and metrics"),
    "policy": ("grader.policy", "report uses of forbidden APIs in student files"),
    "grade": ("grader.grade", "grade one submission into Gradescope's results.json"),
    "demo": ("grader.demo", "grade the reference solutions and print the summary"),
}


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m grader", description="The deep-learning course kit.")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (module, help_text) in COMMANDS.items():
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            continue  # not shipped here (the handout leaves out instructor commands)
        sp = sub.add_parser(name, help=help_text, description=help_text)
        sp.set_defaults(module=module)
        mod.add_arguments(sp)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return importlib.import_module(args.module).run(args)
