"""``python -m grader bench``: the kit's budgets, measured in one run and printed with their targets.

- the public suite against an implementation (``pytest tests/public``, run as a
  subprocess from the repository root) finishes in under 20 s;
- the numpy ``conv2d_forward`` + ``conv2d_backward`` of that implementation
  (float64) takes at most 3 times as long as torch's CPU ``conv2d`` forward and
  backward (float32, gradients for x, w and b) on x (32, 16, 32, 32),
  w (32, 16, 3, 3), stride 1, pad 1: the median of several repeats. Each side
  runs in blocks, after warm-up runs that are not counted (so that neither
  pays for the other's thread pool winding down), and the blocks alternate
  over a few rounds so that both see the same machine load;
- grading a class: a folder of copies of the solutions graded with
  ``grade-all --jobs 1``, then ``--jobs 2``: the CPU seconds per grade (the
  grade process and its sandbox, every process together) at most 60 and no
  higher with 2 jobs, and the wall-time speed-up of 2 jobs over 1.
"""
from __future__ import annotations

import argparse
import importlib
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from grader.contract import REPO
from grader.testkit.harness import resolve_impl

SUITE_TARGET_S = 20.0
RATIO_TARGET = 3.0
X_SHAPE, W_SHAPE, STRIDE, PAD = (32, 16, 32, 32), (32, 16, 3, 3), 1, 1
ROUNDS, WARMUP = 3, 2
GRADE_CPU_TARGET_S = 60.0  # grading the solutions, every process together (ARCHITECTURE.md's budgets)
CPU_SLACK = 1.15           # a grade among others costs no more CPU than alone (caches and memory bandwidth shared)
SPEEDUP_TARGET = 1.6       # --jobs 2 over --jobs 1 on 2 free cores


def time_public_suite(impl: str) -> tuple[float, int, str]:
    """Returns (wall seconds, pytest exit status, pytest's summary line) of the public suite against ``impl``."""
    cmd = [sys.executable, "-m", "pytest", "tests/public", "--impl", impl, "-q", "--no-header", "-p", "no:warnings"]
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    lines = [line for line in proc.stdout.splitlines() if re.search(r"\d+ (passed|failed|error)", line)]
    return seconds, proc.returncode, lines[-1].strip("= ") if lines else proc.stderr.strip()[-200:]


def load_conv(root: Path):
    """Returns the ``layers.conv`` module of the implementation rooted at ``root``."""
    sys.path.insert(0, str(root))
    return importlib.import_module("layers.conv")


def time_conv(conv, repeats: int) -> tuple[float, float]:
    """Returns the median seconds of (numpy forward + backward, torch forward + backward)."""
    import torch
    rng = np.random.default_rng(0)
    x, w, b = rng.standard_normal(X_SHAPE), rng.standard_normal(W_SHAPE), rng.standard_normal(W_SHAPE[0])
    out_shape = (X_SHAPE[0], W_SHAPE[0], X_SHAPE[2], X_SHAPE[3])  # a padded 3x3 kernel keeps the size
    dout = rng.standard_normal(out_shape)
    xt, wt, bt = (torch.tensor(a, dtype=torch.float32, requires_grad=True) for a in (x, w, b))
    dout_t = torch.tensor(dout, dtype=torch.float32)

    def numpy_step() -> None:
        out, cache = conv.conv2d_forward(x, w, b, stride=STRIDE, pad=PAD)
        if np.shape(out) != out_shape:
            raise ValueError(f"conv2d_forward returned shape {np.shape(out)}, expected {out_shape}")
        conv.conv2d_backward(dout, cache)

    def torch_step() -> None:
        out = torch.nn.functional.conv2d(xt, wt, bt, stride=STRIDE, padding=PAD)
        out.backward(dout_t)

    times: dict[str, list[float]] = {"numpy": [], "torch": []}
    per_block = -(-repeats // ROUNDS)
    for _ in range(ROUNDS):
        for name, step in (("numpy", numpy_step), ("torch", torch_step)):
            for i in range(WARMUP + per_block):
                xt.grad = wt.grad = bt.grad = None
                start = time.perf_counter()
                step()
                if i >= WARMUP:
                    times[name].append(time.perf_counter() - start)
    return float(np.median(times["numpy"])), float(np.median(times["torch"]))


def time_class(copies: int, assignment: str | None) -> dict[int, tuple[float, float]]:
    """Grades a folder of ``copies`` zips of the solutions with grade-all ``--jobs 1``, then ``--jobs 2``; returns
    jobs -> (wall seconds, mean CPU seconds per submission: the grade and its sandbox)."""
    import json
    import tempfile
    import zipfile

    from grader.contract import SOLUTIONS

    measured = {}
    with tempfile.TemporaryDirectory(prefix="bench-class-") as tmp:
        folder = Path(tmp) / "submissions"
        folder.mkdir()
        for i in range(copies):
            with zipfile.ZipFile(folder / f"copy{i + 1}.zip", "w") as z:
                for path in sorted(SOLUTIONS.rglob("*.py")):
                    z.write(path, "student/" + path.relative_to(SOLUTIONS).as_posix())
        for jobs in (1, 2):
            out = Path(tmp) / f"jobs{jobs}"
            cmd = [sys.executable, "-m", "grader", "grade-all", str(folder), "--out", str(out), "--jobs", str(jobs),
                   "--no-similarity", *(["--assignment", assignment] if assignment else [])]
            print(f"  grade-all --jobs {jobs} of {copies} copies of the solutions ...", flush=True)
            start = time.perf_counter()
            proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
            wall = time.perf_counter() - start
            metas = [json.loads(p.read_text()) for p in sorted(out.glob("*/grading.json"))]
            if proc.returncode != 0 or len(metas) != copies:
                raise RuntimeError(f"grade-all --jobs {jobs} failed:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
            measured[jobs] = (wall, sum(m["cpu_s"] for m in metas) / copies)
    return measured


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def main(args: argparse.Namespace) -> int:
    """``python -m grader bench [--impl] [--repeats]``."""
    import torch
    root = resolve_impl(args.impl)
    start = time.perf_counter()
    print(f"bench of {root} ({torch.get_num_threads()} torch threads, {sys.platform})", flush=True)

    seconds, status, summary = time_public_suite(str(root))
    suite_ok = status == 0 and seconds < SUITE_TARGET_S
    print(f"\npublic suite: pytest tests/public --impl {args.impl}  ({summary})")
    print(f"  wall time        {seconds:8.1f} s     target < {SUITE_TARGET_S:g} s{'':8s}{_verdict(suite_ok)}"
          + ("" if status == 0 else f"  (pytest exited {status})"), flush=True)

    print(f"\nconv2d forward + backward, x {X_SHAPE}, w {W_SHAPE}, stride {STRIDE}, pad {PAD} "
          f"(median of {ROUNDS * -(-args.repeats // ROUNDS)} runs each)")
    try:
        numpy_s, torch_s = time_conv(load_conv(root), args.repeats)
    except Exception as exc:  # a broken or unfinished implementation is reported, not raised
        print(f"  numpy conv2d failed: {type(exc).__name__}: {exc}{'':4s}MISS")
        conv_ok, ratio_text = False, "numpy conv2d failed"
    else:
        ratio = numpy_s / torch_s
        conv_ok = ratio <= RATIO_TARGET
        print(f"  numpy (float64)  {numpy_s * 1e3:8.1f} ms")
        print(f"  torch (float32)  {torch_s * 1e3:8.1f} ms")
        print(f"  ratio            {ratio:8.2f} x     target <= {RATIO_TARGET:g} x{'':7s}{_verdict(conv_ok)}")
        ratio_text = f"conv {ratio:.2f}x torch"

    print(f"\ngrading a class: {args.copies} copies of the solutions"
          + (f", assignment {args.assignment}" if args.assignment else ", the whole course"))
    try:
        measured = time_class(args.copies, args.assignment)
    except RuntimeError as exc:
        print(f"  {exc}{'':4s}MISS")
        cpu_ok = speed_ok = False
        class_text = "grade-all failed"
    else:
        (wall1, cpu1), (wall2, cpu2) = measured[1], measured[2]
        speedup = wall1 / wall2
        cpu_ok = cpu1 <= GRADE_CPU_TARGET_S and cpu2 <= cpu1 * CPU_SLACK
        speed_ok = speedup >= SPEEDUP_TARGET
        print(f"  CPU per grade    {cpu1:8.1f} s     target <= {GRADE_CPU_TARGET_S:g} s (--jobs 1){'':3s}"
              f"{_verdict(cpu1 <= GRADE_CPU_TARGET_S)}")
        print(f"  with --jobs 2    {cpu2:8.1f} s     target <= {CPU_SLACK:g} x --jobs 1{'':8s}"
              f"{_verdict(cpu2 <= cpu1 * CPU_SLACK)}")
        print(f"  wall --jobs 1    {wall1:8.1f} s\n  wall --jobs 2    {wall2:8.1f} s")
        print(f"  speed-up         {speedup:8.2f} x     target >= {SPEEDUP_TARGET:g} x on {os.cpu_count()} cores"
              f"{'':5s}{_verdict(speed_ok)}")
        class_text = f"{cpu1:.0f} CPU-s per grade, --jobs 2 {speedup:.2f}x faster"

    met = int(suite_ok) + int(conv_ok) + int(cpu_ok) + int(speed_ok)
    print(f"\nbench: {met} of 4 targets met in {time.perf_counter() - start:.0f} s "
          f"(public suite {seconds:.1f} s: {_verdict(suite_ok)}; {ratio_text}: {_verdict(conv_ok)}; "
          f"{class_text}: {_verdict(cpu_ok and speed_ok)})")
    return 0 if met == 4 else 1
