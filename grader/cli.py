"""Command line of the kit: ``python -m grader COMMAND``.

This module only declares the commands and their arguments; each command calls
one stage's ``main(args) -> exit status``. A command whose stage is not shipped
(the handout leaves out the instructor's and the grading stages) is not listed.
"""
from __future__ import annotations

import argparse
import importlib
import os
import importlib.util
from typing import Callable

DEVICES = ("auto", "cpu", "cuda")
FORMATS = ("canvas", "gradescope")
READ_RUBRIC = ("build", "demo", "grade", "grade-all", "reweight", "assignments")
"""The commands that read the rubric (build: for the handout and the autograder): a rubric or course they cannot
use is said in one line before the command starts (``_unusable``)."""
ISOLATIONS = ("auto", "namespaces", "user")
BUILDS = {
    "student": ("grader.authoring.builds:main", "regenerate student/ from solutions/"),
    "handout": ("grader.authoring.builds:main", "dist/handout.zip for students"),
    "autograder": ("grader.authoring.builds:main", "dist/autograder.zip for Gradescope"),
    "submission": ("grader.submission.package:main", "dist/submission.zip of student/, checked first"),
}


def _build(p: argparse.ArgumentParser) -> None:
    shipped = {what: entry for what, entry in BUILDS.items() if _available(entry[0])}
    p.add_argument("what", choices=list(shipped), help="; ".join(f"{k}: {v[1]}" for k, v in shipped.items()))
    p.add_argument("--out", help="the zip to write (default dist/<what>.zip)")
    p.add_argument("--source", help="submission only: the folder to submit as student/ (default student/)")
    p.add_argument("--assignment", help="one assignment of configs/course.yaml (default: the whole course); "
                                        "the zip goes to dist/<assignment>/<what>.zip")


def _grading(p: argparse.ArgumentParser, results_default: str) -> None:
    p.add_argument("--assignment", help="grade with one assignment's tests, runs and points, its given files from "
                                        "the reference (default: the whole course)")
    p.add_argument("--results", default=results_default, help=f"where to write results.json (default {results_default})")
    p.add_argument("--rubric", help="the rubric (default configs/rubric.yaml)")
    p.add_argument("--device", choices=DEVICES, default="cpu", help="where the graded training runs train (default cpu)")
    p.add_argument("--isolation", choices=ISOLATIONS, default=os.environ.get("GRADER_ISOLATION", "auto"),
                   help="how student code is kept apart: namespaces (bubblewrap), user (root: another user), or auto, "
                        "the first that works here (default auto, or $GRADER_ISOLATION); grading refuses without one")
    p.add_argument("--no-isolation", action="store_true",
                   help="run student code as this user, unisolated: only for trusted code such as the solutions")
    p.add_argument("--quiet", action="store_true", help="print only the summary table and the total")


def _grade(p: argparse.ArgumentParser) -> None:
    p.add_argument("submission", help="a zip or a folder holding student/ (at its top or one folder down)")
    _grading(p, "results.json")
    p.add_argument("--metadata", help="Gradescope's submission_metadata.json of this submission: the rubric's late "
                                      "policy and rate limit apply by it (run_autograder passes it; a TA replays)")


def _demo(p: argparse.ArgumentParser) -> None:
    _grading(p, "build/results.json")


def _similarity(p: argparse.ArgumentParser) -> None:
    p.add_argument("submissions", help="a folder of submissions (zips or folders, one per student) or a Gradescope "
                                       "export")
    p.add_argument("--out", required=True, help="the folder for similarity.csv and similarity.html")
    p.add_argument("--threshold", type=float, default=0.5,
                   help="the similarity (0 to 1) at or above which a pair is listed (default 0.5)")
    p.add_argument("--assignment", help="compare only one assignment's student files (default: every .py file)")


def _grade_all(p: argparse.ArgumentParser) -> None:
    p.add_argument("submissions", help="a folder of zips or folders (one per student), or a Gradescope export "
                                       "(its zip or folder, with submission_metadata.yml)")
    p.add_argument("--out", required=True, help="the folder for <id>/results.json, gradebook.csv, tests.csv, "
                                                "report.html and similarity.html")
    p.add_argument("--assignment", help="grade one assignment of configs/course.yaml (default: the whole course)")
    p.add_argument("--jobs", type=int, help="submissions graded at once (default: the number of cores)")
    p.add_argument("--rubric", help="the rubric (default configs/rubric.yaml)")
    p.add_argument("--device", choices=DEVICES[1:], default="cpu", help="where graded training runs train")
    p.add_argument("--isolation", choices=ISOLATIONS, default=os.environ.get("GRADER_ISOLATION", "auto"),
                   help="how student code is kept apart (see grade --help)")
    p.add_argument("--compare", metavar="OLD_GRADEBOOK",
                   help="an earlier gradebook.csv: list the students whose total changed, and through which tests")
    _formats(p)
    p.add_argument("--shard", metavar="I/N", help="grade only the I-th of N shares of the class (default: from a "
                                                  "SLURM job array or a Kubernetes Indexed Job, else all)")
    p.add_argument("--no-similarity", dest="similarity", action="store_false",
                   help="skip the similarity screening (similarity.html)")
    p.add_argument("--retry", action="store_true",
                   help="grade again, at the end of this run, every submission that was not graded (a fault of the "
                        "machine or the grader, a time-out); a later run grades them again anyway")
    p.add_argument("--emit", choices=("slurm", "kubernetes"),
                   help="grade nothing: write a job file that grades the class on that engine into --out")
    p.add_argument("--shards", type=int, help="with --emit: the number of shares (array tasks or Job completions)")
    p.add_argument("--image", default="dl-course-grader:latest", help="with --emit kubernetes: the container image")
    p.add_argument("--partition", help="with --emit slurm: the partition of the jobs (default: the cluster's)")
    p.add_argument("--account", help="with --emit slurm: the account the jobs are charged to (default: yours)")
    p.add_argument("--time", help="with --emit: how long one shard may run, as sbatch reads it (HH:MM:SS, "
                                  "D-HH:MM:SS, minutes); default: SLURM the partition's, Kubernetes a day")
    p.add_argument("--mem", help="with --emit: the memory of one shard, as sbatch reads it (4G, 4000M); "
                                 "default: SLURM the cluster's, Kubernetes 2G per job")


def _merge(p: argparse.ArgumentParser) -> None:
    p.add_argument("folders", nargs="+", help="the output folders of grade-all --shard runs")
    p.add_argument("--out", required=True, help="the folder for the class's gradebook and report")
    p.add_argument("--compare", metavar="OLD_GRADEBOOK", help="as for grade-all")
    _formats(p)


def _formats(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", action="append", choices=FORMATS,
                   help="also write the totals in a learning management system's upload layout: canvas.csv "
                        "(Canvas's gradebook import), gradescope.csv (Gradescope's Upload scores); repeatable")


def _reweight(p: argparse.ArgumentParser) -> None:
    p.add_argument("folder", help="the output folder of grade-all (or merge): <id>/results.json and grading.json")
    p.add_argument("--rubric", help="the rubric whose weights: apply (default configs/rubric.yaml)")
    p.add_argument("--out", help="write the reweighted class there, the folder untouched (default: the folder)")
    p.add_argument("--compare", metavar="OLD_GRADEBOOK", help="as for grade-all (the folder's own gradebook.csv "
                                                              "is read before it is rewritten)")
    _formats(p)


def _train(p: argparse.ArgumentParser) -> None:
    p.add_argument("config", help="training config (YAML), e.g. configs/two_layer_net.yaml")
    p.add_argument("--impl", default="student",
                   help="implementation to train: student, solutions, or a folder (default: student)")
    p.add_argument("--out", help="folder for the results (default: runs/<config name>)")
    p.add_argument("--seed", type=int, help="override the config's seed")
    p.add_argument("--device", choices=DEVICES, help="override the config's device")


def _policy(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", help="implementation root (holding layers/, models/, ...) or a folder holding student/")
    p.add_argument("--policy", help="policy file (default configs/policy.yaml)")


def _mutants(p: argparse.ArgumentParser) -> None:
    p.add_argument("--mechanical", action="store_true",
                   help="the standard mutation operators on the solution blocks instead of tests/mutants")
    p.add_argument("--alternatives", action="store_true",
                   help="grade the correct alternatives in tests/alternatives: each must get full marks")
    p.add_argument("--only", help="only mutants whose name contains this text")
    p.add_argument("--jobs", type=int, default=2, help="mutants graded at once (default 2)")


def _bench(p: argparse.ArgumentParser) -> None:
    p.add_argument("--impl", default="solutions",
                   help="implementation to time: student, solutions, or a folder (default: solutions)")
    p.add_argument("--repeats", type=int, default=15,
                   help="timed repeats of each convolution, in 3 rounds after warm-up runs (default 15)")
    p.add_argument("--copies", type=int, default=2,
                   help="copies of the solutions in the class that grade-all grades with 1, then 2 jobs (default 2)")
    p.add_argument("--assignment", help="grade the class on one assignment of the course (default: the whole course)")


def _assignments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--names", action="store_true", help="only the names, one a line")
    p.add_argument("--rubric", help="the rubric: its runs and its weights: (default configs/rubric.yaml)")


def _nothing(p: argparse.ArgumentParser) -> None:
    pass


COMMANDS: dict[str, tuple[str, str, Callable[[argparse.ArgumentParser], None]]] = {
    "build": ("", "build an artifact: the student skeleton, handout, autograder, submission", _build),
    "check": ("grader.authoring.single_source:main", "fail when student/ is not what solutions/ generates", _nothing),
    "mutants": ("grader.authoring.mutants:main", "grade every mutant in tests/mutants and print the kill rate",
                _mutants),
    "bench": ("grader.authoring.bench:main",
              "the budgets: public suite time, numpy conv vs torch, CPU per grade, grade-all's speed-up", _bench),
    "train": ("grader.training.report:main", "train a model from a config and write its curves and metrics", _train),
    "policy": ("grader.submission.policy:main", "report uses of forbidden APIs in student files", _policy),
    "assignments": ("grader.authoring.assignments:main",
                    "list the course's assignments: exercises, given files, tests, runs, points", _assignments),
    "grade": ("grader.grading.pipeline:main", "grade one submission into Gradescope's results.json", _grade),
    "demo": ("grader.authoring.demo:main", "grade the reference solutions and print the summary", _demo),
    "grade-all": ("grader.authoring.classgrading.batch:main",
                  "grade a class's submissions in parallel into a gradebook, a per-test table and a report", _grade_all),
    "merge": ("grader.authoring.classgrading.batch:merge_main",
              "one gradebook and report from the folders of grade-all --shard runs", _merge),
    "reweight": ("grader.authoring.classgrading.reweight:main",
                 "a graded class's totals under the rubric's weights:, from the recorded outcomes (no code runs)",
                 _reweight),
    "similarity": ("grader.authoring.classgrading.similarity:main",
                   "screen a class's submissions for copied code (copydetect, the skeleton as boilerplate)",
                   _similarity),
}


def _available(reference: str) -> bool:
    try:
        return importlib.util.find_spec(reference.partition(":")[0]) is not None
    except ModuleNotFoundError:  # its stage folder is not shipped here
        return False


def _main_of(args: argparse.Namespace) -> str:
    if args.command == "mutants" and args.mechanical:
        return "grader.authoring.mechanical:main"
    return BUILDS[args.what][0] if args.command == "build" else COMMANDS[args.command][0]


def parser() -> argparse.ArgumentParser:
    """Returns the parser of every command shipped here."""
    p = argparse.ArgumentParser(prog="python -m grader", description="The deep-learning course kit.")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (main, help_text, declare) in COMMANDS.items():
        if main and not _available(main):
            continue
        declare(sub.add_parser(name, help=help_text, description=help_text))
    return p


def _unusable(args: argparse.Namespace) -> str | None:
    """Returns, in one line, why the rubric or the assignment the command reads cannot be used; None when they
    can, when it reads neither, or where the grading stage is not shipped (the handout)."""
    if args.command not in READ_RUBRIC or getattr(args, "what", "handout") not in ("handout", "autograder") \
            or not _available("grader.grading.rubric"):
        return None
    from grader.course import CourseError, assignment

    rubric = importlib.import_module("grader.grading.rubric")
    try:
        loaded = rubric.load_rubric(getattr(args, "rubric", None) or rubric.DEFAULT_RUBRIC)
        if getattr(args, "assignment", None):
            assignment(args.assignment, runs=[r.name for r in loaded.training])
    except (rubric.RubricError, CourseError) as exc:
        return str(exc)
    return None


def _not_started(results_path: str, problem: str) -> None:
    """Writes the results of a grade that could not start, as ``grade`` writes results whatever happens."""
    results = importlib.import_module("grader.grading.results").Results()
    results.note(f"This submission was not graded: the grader could not start ({problem}). This is not a problem "
                 "of your code. Please tell the course staff.")
    results.write(results_path)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    problem = _unusable(args)
    if problem is not None:
        if args.command == "grade":
            _not_started(args.results, problem)
            problem += f" (results written to {args.results})"
        print(f"{args.command}{' ' + args.what if args.command == 'build' else ''}: {problem}")
        return 2
    module, _, function = _main_of(args).partition(":")
    return getattr(importlib.import_module(module), function)(args)
