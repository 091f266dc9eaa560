"""Mutation testing: every realistic bug in tests/mutants must make a graded test fail.

A mutant is a small Python file::

    \"\"\"What the bug is, in one line.\"\"\"
    TARGET = "layers/losses.py"     # the solution file it changes
    TESTS = ["test_models*.py"]     # optional: test files to run, else test_<stem>*.py
    REPLACE = [("optimizer.step()\n        loss.backward()", "...")]   # optional: (old, new) text edits

    def softmax(z): ...             # optional: the buggy version of one function or method

A copy of the target solution file gets the ``REPLACE`` edits (each ``old``
text must occur exactly once, so a mutant that no longer applies is reported,
never silently void), then the mutant's text appended, so its definitions
replace the originals for every caller. A mutant changes only what its bug
changes: a fix to the rest of the solution reaches it. The public and hidden
tests of the target then run against that copy; the mutant is *killed* when
one fails.

``tests/alternatives`` holds files of the same form that are correct: the same
contract met another way (loops instead of vectorized code, another RNG call
order, another formula). Each must pass every test: a test that fails one
would take points from a correct student.
"""
from __future__ import annotations

import ast
import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

from grader.contract import REPO, SOLUTIONS, test_glob

DURATIONS = REPO / "build" / "durations.json"
"""Each test's duration on the solutions (``pytest --durations-file``): a child runs the cheap tests first, so that
with ``-x`` a mutant is killed by the cheapest test that can. A missing or stale file changes the order, never a
verdict."""
MUTANTS = REPO / "tests" / "mutants"
ALTERNATIVES = REPO / "tests" / "alternatives"  # correct implementations written differently: every test must pass
SUITES = (REPO / "tests" / "public", REPO / "tests" / "hidden")
TIMEOUT_S = 300
SHARED_COST_S = 1.0
UNUSED_PLUGINS = ("warnings", "cacheprovider", "doctest", "junitxml", "pastebin", "stepwise", "logging")
"""pytest's plugins a child does without: each costs every child its setup (the cache provider writes files)."""


@dataclass
class Mutant:
    """One buggy variant of the solutions."""

    name: str
    path: Path | None
    target: str
    tests: list[str]
    doc: str
    replace: tuple[tuple[str, str], ...] = ()
    text: str | None = None  # the whole mutated target file (mechanical mutants), instead of path's text appended


@dataclass
class Outcome:
    """What the suites did to a mutant: ``killed``, ``survived`` or ``error``."""

    mutant: Mutant
    verdict: str
    detail: str
    seconds: float


def discover(root: Path = MUTANTS) -> list[Mutant]:
    """Returns every mutant under ``root``, sorted by name."""
    mutants = []
    for path in sorted(root.rglob("*.py")):
        if path.name == "__init__.py":
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        values = {}
        for node in tree.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                if node.targets[0].id in ("TARGET", "TESTS", "REPLACE"):
                    values[node.targets[0].id] = ast.literal_eval(node.value)
        if "TARGET" not in values:
            raise ValueError(f"{path}: a mutant needs TARGET = 'package/module.py'")
        mutants.append(Mutant(name=path.relative_to(root).with_suffix("").as_posix(), path=path,
                              target=values["TARGET"], tests=values.get("TESTS", [test_glob(values["TARGET"])]),
                              doc=(ast.get_docstring(tree) or "").splitlines()[0] if ast.get_docstring(tree) else "",
                              replace=tuple(tuple(pair) for pair in values.get("REPLACE", ()))))
    return mutants


def test_files(mutant: Mutant) -> list[str]:
    """Returns the public and hidden test files that grade ``mutant``."""
    files = []
    for suite in SUITES:
        for path in sorted(suite.glob("test_*.py")):
            if any(fnmatch(path.name, pattern) for pattern in mutant.tests):
                files.append(str(path.relative_to(REPO)))
    return files


def _apply(mutant: Mutant, tmp: Path, solutions: Path) -> Path:
    """Returns the root of a copy of ``solutions`` with ``mutant`` appended to its target file."""
    root = tmp / "impl"
    shutil.copytree(solutions, root, ignore=shutil.ignore_patterns("__pycache__"))
    target = root / mutant.target
    if not target.exists():
        raise FileNotFoundError(f"TARGET {mutant.target} does not exist")
    if mutant.text is not None:
        target.write_text(mutant.text)
        return root
    text = target.read_text()
    for old, new in mutant.replace:
        if text.count(old) != 1:
            raise FileNotFoundError(f"REPLACE text {old!r} occurs {text.count(old)} times in {mutant.target}, "
                                    "not once: update the mutant to the solution")
        text = text.replace(old, new)
    target.write_text(text + "\n\n# ---- mutant ----\n" + mutant.path.read_text())
    return root


def _pytest_args(files: list[str], root: Path) -> list[str]:
    return [*files, "--impl", str(root), "-x", "-q", "--no-header", "--hypothesis-profile", "ci", "--tb=line",
            *_unused_plugins_off()]


def _unused_plugins_off() -> list[str]:
    return [arg for plugin in UNUSED_PLUGINS for arg in ("-p", f"no:{plugin}")]


class _CheapFirst:
    """Orders the collected tests by their duration on the solutions (unknown ones last, in their own order)."""

    def __init__(self, seconds: dict[str, float]):
        self.seconds = seconds

    def pytest_collection_modifyitems(self, items) -> None:
        items.sort(key=lambda item: self.seconds.get(item.nodeid, float("inf")))


def _durations(solutions: Path = SOLUTIONS) -> dict[str, float]:
    """Each test's cost from DURATIONS; when one of the tests of its file with the same subject (the solution
    function its name starts with, ``test_load_mnist1d_...``) took ``SHARED_COST_S`` or more, that test's duration:
    tests of one function may share what the first of them computed (a module's cache of an expensive call), which
    any of them pays when it runs first."""
    try:
        seconds = {str(k): float(v) for k, v in json.loads(DURATIONS.read_text()).items()}
    except (OSError, ValueError, AttributeError):
        return {}
    functions = sorted({node.name for path in solutions.rglob("*.py")
                        for node in ast.walk(ast.parse(path.read_text())) if isinstance(node, ast.FunctionDef)},
                       key=len, reverse=True)

    def subject(nodeid: str) -> tuple[str, str | None]:
        file, _, name = nodeid.partition("::")
        name = name.split("[")[0].removeprefix("test_")
        return file, next((f for f in functions if name == f or name.startswith(f + "_")), None)

    costliest: dict[tuple, float] = {}
    for nodeid, value in seconds.items():
        key = subject(nodeid)
        if key[1] is not None:
            costliest[key] = max(costliest.get(key, 0.0), value)
    return {nodeid: cost if (cost := costliest.get(subject(nodeid), 0.0)) >= SHARED_COST_S else value
            for nodeid, value in seconds.items()}


def _child(files: list[str], root: Path, log: Path, seconds: dict[str, float]) -> None:
    """Runs in a forked process: the suites against one mutant; exits with pytest's status."""
    code = 3
    try:
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.chdir(REPO)
        os.environ["CI"] = "1"
        import pytest
        import torch
        torch.set_num_threads(1)
        code = int(pytest.main(_pytest_args(files, root), plugins=[_CheapFirst(seconds)]))
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code)


def _verdict(mutant: Mutant, code: int, log: str, seconds: float) -> Outcome:
    failed = [line.split(" ", 1)[1] for line in log.splitlines() if line.startswith("FAILED ")]
    if code == 1:
        return Outcome(mutant, "killed", failed[0] if failed else "a test failed", seconds)
    if code == 0:
        return Outcome(mutant, "survived", "every test passed", seconds)
    return Outcome(mutant, "error", f"pytest exited {code}: {log[-600:]}", seconds)


def _preload() -> None:
    """Imports what every child needs once, so that each forked child starts in milliseconds."""
    import hypothesis  # noqa: F401
    import numpy  # noqa: F401
    import pytest  # noqa: F401
    import torch  # noqa: F401
    import sklearn.datasets  # noqa: F401
    import matplotlib
    matplotlib.use("Agg")  # the children draw into files, never on a screen
    import matplotlib.pyplot  # noqa: F401
    import mnist1d.data  # noqa: F401
    import gradescope_utils.autograder_utils.decorators  # noqa: F401
    import grader.grading.plugin  # noqa: F401
    import grader.testkit.plugin  # noqa: F401
    import contextlib
    import gc
    import io
    # the suites' modules, imported (their assertions rewritten) once here: a child's collection finds them imported
    with contextlib.redirect_stdout(io.StringIO()):
        pytest.main([*map(str, SUITES), "--collect-only", "-q", *_unused_plugins_off()])
    gc.freeze()  # what every child shares is never scanned again: pytest's collections at exit take no time


def grade(mutants: list[Mutant], jobs: int = 2, solutions: Path = SOLUTIONS):
    """Yields the Outcome of each mutant as it finishes, running up to ``jobs`` forked children at once."""
    _preload()
    durations = _durations()
    if durations:  # the longest full runs start first, so that no worker is left alone with one at the end
        cost = {}
        for name, seconds in durations.items():
            cost[name.split("::")[0]] = cost.get(name.split("::")[0], 0.0) + seconds
        mutants = sorted(mutants, key=lambda m: -sum(cost.get(f, 0.0) for f in test_files(m)))
    pending = list(reversed(mutants))
    running: dict[int, tuple[Mutant, tempfile.TemporaryDirectory, Path, float]] = {}
    while pending or running:
        while pending and len(running) < jobs:
            mutant = pending.pop()
            files = test_files(mutant)
            if not files:
                yield Outcome(mutant, "error", f"no test file matches {mutant.tests}", 0.0)
                continue
            tmp = tempfile.TemporaryDirectory(prefix="mutant-")
            try:
                root = _apply(mutant, Path(tmp.name), solutions)
            except FileNotFoundError as exc:
                tmp.cleanup()
                yield Outcome(mutant, "error", str(exc), 0.0)
                continue
            log = Path(tmp.name) / "pytest.log"
            sys.stdout.flush()
            pid = os.fork()
            if pid == 0:
                _child(files, root, log, durations)
            running[pid] = (mutant, tmp, log, time.monotonic())
        pid, status = os.waitpid(-1, os.WNOHANG)
        if pid == 0:
            for child, (mutant, tmp, log, started) in list(running.items()):
                if time.monotonic() - started > TIMEOUT_S:
                    os.kill(child, 9)
            time.sleep(0.02)
            continue
        mutant, tmp, log, started = running.pop(pid)
        seconds = time.monotonic() - started
        text = log.read_text(errors="replace") if log.exists() else ""
        code = os.waitstatus_to_exitcode(status)
        tmp.cleanup()
        if code < 0:
            yield Outcome(mutant, "error", f"tests killed by signal {-code} (time limit {TIMEOUT_S} s?)", seconds)
        else:
            yield _verdict(mutant, code, text, seconds)


def run_alternatives(only: str | None = None, jobs: int = 2) -> int:
    """Grades every correct alternative in tests/alternatives; each must pass every test of its module."""
    chosen = [m for m in discover(ALTERNATIVES) if not only or only in m.name]
    print(f"grading {len(chosen)} correct alternative implementations with {jobs} worker(s)", flush=True)
    start = time.monotonic()
    bad = []
    for n, o in enumerate(grade(chosen, jobs), start=1):
        verdict = "passes" if o.verdict == "survived" else "FAILS" if o.verdict == "killed" else "ERROR"
        print(f"[{n:3d}/{len(chosen)}] {verdict:6s} {o.mutant.name} ({o.seconds:.1f} s)"
              + ("" if o.verdict == "survived" else f"\n             {o.detail}"), flush=True)
        if o.verdict != "survived":
            bad.append(o)
    print(f"\nalternatives: {len(chosen) - len(bad)}/{len(chosen)} get full marks in {time.monotonic() - start:.0f} s")
    for o in bad:
        print(f"  LOSES POINTS: {o.mutant.name}: {o.mutant.doc}")
    return 1 if bad or not chosen else 0


def run_all(only: str | None = None, jobs: int = 2) -> int:
    """Grades every mutant (those whose name contains ``only``); prints progress and the kill rate."""
    mutants = [m for m in discover() if not only or only in m.name]
    if not mutants:
        print(f"no mutant matches {only!r}")
        return 1
    print(f"grading {len(mutants)} mutants with {jobs} worker(s)", flush=True)
    start = time.monotonic()
    outcomes: list[Outcome] = []
    for n, o in enumerate(grade(mutants, jobs), start=1):
        outcomes.append(o)
        print(f"[{n:3d}/{len(mutants)}] {o.verdict:8s} {o.mutant.name} ({o.seconds:.1f} s)"
              + (f"\n             by {o.detail}" if o.verdict == "killed" else f"\n             {o.detail}"),
              flush=True)
    killed = [o for o in outcomes if o.verdict == "killed"]
    bad = sorted((o for o in outcomes if o.verdict != "killed"), key=lambda o: o.mutant.name)
    print(f"\nkill rate: {len(killed)}/{len(outcomes)} ({100 * len(killed) / len(outcomes):.0f}%) "
          f"in {time.monotonic() - start:.0f} s")
    for o in bad:
        print(f"  {o.verdict.upper()}: {o.mutant.name}: {o.mutant.doc}")
    return 1 if bad else 0


def main(args) -> int:
    """``python -m grader mutants [--alternatives] [--only TEXT] [--jobs N]`` (``--mechanical``: mechanical.main)."""
    if args.alternatives:
        return run_alternatives(only=args.only, jobs=args.jobs)
    return run_all(only=args.only, jobs=args.jobs)
