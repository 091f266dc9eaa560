"""``python -m grader bench``: time the public suite and the numpy convolution against torch.

Two budgets of the kit, measured in one run and printed with their targets:

- the public suite against an implementation (``pytest tests/public``, run as a
  subprocess from the repository root) finishes in under 20 s;
- the numpy ``conv2d_forward`` + ``conv2d_backward`` of that implementation
  (float64) takes at most 3 times as long as torch's CPU ``conv2d`` forward and
  backward (float32, gradients for x, w and b) on x (32, 16, 32, 32),
  w (32, 16, 3, 3), stride 1, pad 1: the median of several repeats. Each side
  runs in blocks, after warm-up runs that are not counted (so that neither
  pays for the other's thread pool winding down), and the blocks alternate
  over a few rounds so that both see the same machine load.
"""
from __future__ import annotations

import argparse
import importlib
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

    met = int(suite_ok) + int(conv_ok)
    print(f"\nbench: {met} of 2 targets met in {time.perf_counter() - start:.0f} s "
          f"(public suite {seconds:.1f} s: {_verdict(suite_ok)}; {ratio_text}: {_verdict(conv_ok)})")
    return 0 if met == 2 else 1
