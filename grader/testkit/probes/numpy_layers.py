"""Probes for the numpy layer API: ``<name>_forward(...) -> (out, cache)``, ``<name>_backward(dout, cache)``."""
from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from typing import Any

import numpy as np

from grader.testkit.probes.generic import laid_out, perturbed, shared_memory

__tracebackhide__ = True  # a failure's traceback shows the test and the student's code only


def _pair(module: str, name: str):
    mod = importlib.import_module(module)
    return getattr(mod, f"{name}_forward"), getattr(mod, f"{name}_backward")


def _first(result: Any) -> Any:
    """The forward output: the first element of a returned tuple (``(out, cache, ...)``)."""
    return result[0] if isinstance(result, tuple) else result


def forward_backward(module: str, name: str, args: list, dout: Any, kwargs: dict | None = None) -> dict:
    """Runs ``name_forward(*args, **kwargs)`` then ``name_backward(dout, cache)``.

    Returns ``{"out", "extra", "grads", "args_after", "dout_after"}``: the
    forward output, any further values the forward returned after the cache
    (batch norm's running statistics), the backward result as a list, and the
    inputs and ``dout`` after both calls.
    """
    forward, backward = _pair(module, name)
    result = forward(*args, **(kwargs or {}))
    if not isinstance(result, tuple) or len(result) < 2:
        raise TypeError(f"{name}_forward should return (out, cache), got {type(result).__name__}")
    out, cache, *extra = result
    grads = _as_list(backward(dout, cache))
    return {"out": out, "extra": extra, "grads": grads, "args_after": list(args), "dout_after": dout}


def forward_backward_twice(module: str, name: str, args: list, dout: Any, kwargs: dict | None = None,
                           layout: str = "C") -> dict:
    """Runs ``name_forward(*args, **kwargs)``, then ``name_backward(dout, cache)`` twice on that one cache; in
    between, the caller writes into the gradients the first backward returned (as an update in place would).

    Every array argument and ``dout`` reach the implementation laid out in memory as ``layout`` says (equal
    values; ``"F"``: transposed, see ``generic.laid_out``). Returns ``{"out", "extra", "grads", "grads_again", "shared",
    "args_after", "dout_after"}``: the forward output and further values, the first backward's gradients as they
    were returned, the second backward's, every pair of a returned array (``out``, ``extra[i]``, ``grads[i]``) and an
    argument (``args[i]``, ``dout``) or another returned array that share memory (``"out ~ args[0]"``), and the
    inputs afterwards.
    """
    forward, backward = _pair(module, name)
    args, dout = [laid_out(a, layout) for a in args], laid_out(dout, layout)
    result = forward(*args, **(kwargs or {}))
    if not isinstance(result, tuple) or len(result) < 2:
        raise TypeError(f"{name}_forward should return (out, cache), got {type(result).__name__}")
    out, cache, *extra = result
    grads = _as_list(backward(dout, cache))
    shared = shared_memory({"out": out, "extra": extra, "grads": grads},
                           {"args": list(args), "dout": dout})
    first = [g.copy() if isinstance(g, np.ndarray) else g for g in grads]
    for g in grads:
        if isinstance(g, np.ndarray) and g.flags.writeable:
            g[...] = 12345
    again = _as_list(backward(dout, cache))
    return {"out": out, "extra": extra, "grads": first, "grads_again": again, "shared": shared,
            "args_after": list(args), "dout_after": dout}


def _as_list(grads: Any) -> list:
    return list(grads) if isinstance(grads, tuple) else [grads]


def outputs_at(module: str, name: str, args: list, kwargs: dict | None, perturbations: list) -> list:
    """Returns the forward output ``name_forward(*args, **kwargs)[0]`` for each perturbation of the arguments.

    Each perturbation is ``[arg_index, flat_index, delta]``: the call gets a
    float64 copy of ``args[arg_index]`` with entry ``flat_index`` (C order)
    moved by ``delta``, and copies of the other arguments. The test decides the
    points and computes anything it needs from the outputs.
    """
    forward_fn, _ = _pair(module, name)
    kwargs = kwargs or {}
    return [_first(forward_fn(*perturbed(args, p), **kwargs)) for p in perturbations]


def forward(module: str, name: str, args: list, kwargs: dict | None = None) -> dict:
    """Runs ``name_forward(*args, **kwargs)``; returns ``{"out", "extra", "args_after"}`` (no cache)."""
    forward_fn, _ = _pair(module, name)
    result = forward_fn(*args, **(kwargs or {}))
    if not isinstance(result, tuple) or len(result) < 2:
        raise TypeError(f"{name}_forward should return (out, cache), got {type(result).__name__}")
    out, _cache, *extra = result
    return {"out": out, "extra": extra, "args_after": list(args)}


def lines_run(module: str, name: str, args: list, dout: Any, kwargs: dict | None = None) -> dict:
    """Returns ``{"forward": n, "backward": n}``: how many lines of the implementation's own files the forward
    pass and the backward pass execute, a count that grows with the input only where a Python loop runs."""
    forward, backward = _pair(module, name)
    root = str(Path(importlib.import_module(module).__file__).resolve().parent.parent) + os.sep
    counts = {"forward": 0, "backward": 0}
    phase = "forward"

    def local(frame, event, arg):
        if event == "line":
            counts[phase] += 1
        return local

    def tracer(frame, event, arg):
        return local if frame.f_code.co_filename.startswith(root) else None

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        _, cache, *_ = forward(*args, **(kwargs or {}))
        phase = "backward"
        backward(dout, cache)
    finally:
        sys.settrace(previous)
    return counts
