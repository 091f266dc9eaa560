"""Probes for the numpy layer API: ``<name>_forward(...) -> (out, cache)``, ``<name>_backward(dout, cache)``."""
from __future__ import annotations

import importlib
from typing import Any

import numpy as np

from grader.testkit.probes.generic import centered_difference


def _pair(module: str, name: str):
    mod = importlib.import_module(module)
    return getattr(mod, f"{name}_forward"), getattr(mod, f"{name}_backward")


def _first(result: Any) -> Any:
    """The forward output: the first element of a returned tuple (``(out, cache, ...)``)."""
    return result[0] if isinstance(result, tuple) else result


def forward_backward(module: str, name: str, args: list, dout: Any, kwargs: dict | None = None) -> dict:
    """Runs ``name_forward(*args, **kwargs)`` then ``name_backward(dout, cache)``.

    Returns ``{"out", "extra", "grads", "args_after"}``: the forward output, any
    further values the forward returned after the cache (batch norm's running
    statistics), the backward result as a list, and the inputs after both calls.
    """
    forward, backward = _pair(module, name)
    result = forward(*args, **(kwargs or {}))
    if not isinstance(result, tuple) or len(result) < 2:
        raise TypeError(f"{name}_forward should return (out, cache), got {type(result).__name__}")
    out, cache, *extra = result
    grads = backward(dout, cache)
    grads = list(grads) if isinstance(grads, tuple) else [grads]
    return {"out": out, "extra": extra, "grads": grads, "args_after": list(args)}


def numeric_gradients(module: str, name: str, args: list, dout: Any, wrt: list[int],
                      kwargs: dict | None = None, h: float = 1e-5) -> list:
    """Returns, for each argument index in ``wrt``, the centered-difference gradient of
    ``sum(dout * name_forward(*args)[0])`` with respect to that argument."""
    forward, _ = _pair(module, name)
    kwargs = kwargs or {}
    args = [np.array(a, dtype=np.float64) if isinstance(a, np.ndarray) else a for a in args]
    grads = []
    for k in wrt:
        grads.append(centered_difference(lambda: np.sum(dout * _first(forward(*args, **kwargs))), args[k], h))
    return grads


def forward(module: str, name: str, args: list, kwargs: dict | None = None) -> dict:
    """Runs ``name_forward(*args, **kwargs)``; returns ``{"out", "extra", "args_after"}`` (no cache)."""
    forward_fn, _ = _pair(module, name)
    result = forward_fn(*args, **(kwargs or {}))
    if not isinstance(result, tuple) or len(result) < 2:
        raise TypeError(f"{name}_forward should return (out, cache), got {type(result).__name__}")
    out, _cache, *extra = result
    return {"out": out, "extra": extra, "args_after": list(args)}
