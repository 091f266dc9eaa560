"""Mutation testing: every realistic bug in tests/mutants must make a graded test fail.

A mutant is a small Python file::

    \"\"\"What the bug is, in one line.\"\"\"
    TARGET = "layers/losses.py"     # the solution file it overrides
    TESTS = ["test_models*.py"]     # optional: test files to run, else test_<stem>*.py

    def softmax(z): ...             # the buggy version of one function or method

Its text is appended to a copy of the target solution file, so its definitions
replace the originals for every caller. The public and hidden tests of the
target then run against that copy; the mutant is *killed* when one fails.
"""
from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MUTANTS = REPO / "tests" / "mutants"
SUITES = (REPO / "tests" / "public", REPO / "tests" / "hidden")
TIMEOUT_S = 300


@dataclass
class Mutant:
    """One buggy variant of the solutions."""

    name: str
    path: Path
    target: str
    tests: list[str]
    doc: str


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
                if node.targets[0].id in ("TARGET", "TESTS"):
                    values[node.targets[0].id] = ast.literal_eval(node.value)
        if "TARGET" not in values:
            raise ValueError(f"{path}: a mutant needs TARGET = 'package/module.py'")
        stem = Path(values["TARGET"]).stem
        mutants.append(Mutant(name=path.relative_to(root).with_suffix("").as_posix(), path=path,
                              target=values["TARGET"], tests=values.get("TESTS", [f"test_{stem}*.py"]),
                              doc=(ast.get_docstring(tree) or "").splitlines()[0] if ast.get_docstring(tree) else ""))
    return mutants


def test_files(mutant: Mutant) -> list[str]:
    """Returns the public and hidden test files that grade ``mutant``."""
    files = []
    for suite in SUITES:
        for path in sorted(suite.glob("test_*.py")):
            if any(fnmatch(path.name, pattern) for pattern in mutant.tests):
                files.append(str(path.relative_to(REPO)))
    return files


def run_one(mutant: Mutant, solutions: Path = REPO / "solutions") -> Outcome:
    """Grades one mutant: copies the solutions, applies it, runs its tests, stops at the first failure."""
    start = time.monotonic()
    files = test_files(mutant)
    if not files:
        return Outcome(mutant, "error", f"no test file matches {mutant.tests}", 0.0)
    with tempfile.TemporaryDirectory(prefix="mutant-") as tmp:
        root = Path(tmp) / "impl"
        shutil.copytree(solutions, root, ignore=shutil.ignore_patterns("__pycache__"))
        target = root / mutant.target
        if not target.exists():
            return Outcome(mutant, "error", f"TARGET {mutant.target} does not exist", 0.0)
        target.write_text(target.read_text() + "\n\n# ---- mutant ----\n" + mutant.path.read_text())
        cmd = [sys.executable, "-m", "pytest", *files, "--impl", str(root), "-x", "-q", "--no-header",
               "-p", "no:warnings", "--hypothesis-profile", "ci", "--tb=line"]
        env = {**os.environ, "CI": "1", "PYTHONDONTWRITEBYTECODE": "1"}
        try:
            proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            return Outcome(mutant, "error", f"tests did not finish in {TIMEOUT_S} s", time.monotonic() - start)
    seconds = time.monotonic() - start
    failed = [line.split(" ", 1)[1] for line in proc.stdout.splitlines() if line.startswith("FAILED ")]
    if proc.returncode == 1:
        return Outcome(mutant, "killed", failed[0] if failed else "a test failed", seconds)
    if proc.returncode == 0:
        return Outcome(mutant, "survived", f"{len(files)} test file(s) passed", seconds)
    return Outcome(mutant, "error", f"pytest exited {proc.returncode}: {proc.stdout[-500:]}{proc.stderr[-500:]}", seconds)


def run_all(only: str | None = None, jobs: int = 2) -> int:
    """Grades every mutant (those whose name contains ``only``); prints progress and the kill rate."""
    mutants = [m for m in discover() if not only or only in m.name]
    if not mutants:
        print(f"no mutant matches {only!r}")
        return 1
    print(f"grading {len(mutants)} mutants with {jobs} worker(s)", flush=True)
    outcomes: list[Outcome] = []
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(run_one, m) for m in mutants]
        for n, future in enumerate(as_completed(futures), start=1):
            o = future.result()
            outcomes.append(o)
            print(f"[{n:3d}/{len(mutants)}] {o.verdict:8s} {o.mutant.name} ({o.seconds:.1f} s)"
                  + (f"\n             by {o.detail}" if o.verdict == "killed" else f"\n             {o.detail}"),
                  flush=True)
    killed = [o for o in outcomes if o.verdict == "killed"]
    bad = sorted((o for o in outcomes if o.verdict != "killed"), key=lambda o: o.mutant.name)
    print(f"\nkill rate: {len(killed)}/{len(outcomes)} ({100 * len(killed) / len(outcomes):.0f}%)")
    for o in bad:
        print(f"  {o.verdict.upper()}: {o.mutant.name}: {o.mutant.doc}")
    return 1 if bad else 0


def add_arguments(parser) -> None:
    parser.add_argument("--only", help="only mutants whose name contains this text")
    parser.add_argument("--jobs", type=int, default=2, help="mutants graded at once (default 2)")


def run(args) -> int:
    return run_all(only=args.only, jobs=args.jobs)
