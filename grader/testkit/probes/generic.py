"""Probes that call one function of the implementation by name."""
from __future__ import annotations

import importlib
from typing import Any, Callable


def target(name: str) -> Callable:
    """Returns the object ``module:attr[.attr]`` of the implementation under test."""
    module_name, _, attr = name.partition(":")
    obj: Any = importlib.import_module(module_name)
    for part in attr.split("."):
        obj = getattr(obj, part)
    return obj


def call(name: str, *args: Any, **kwargs: Any) -> Any:
    """Returns ``name(*args, **kwargs)``."""
    return target(name)(*args, **kwargs)


def call_keeping_inputs(name: str, *args: Any, **kwargs: Any) -> dict:
    """Returns the result of ``name(*args, **kwargs)`` and the positional arguments after the call."""
    out = target(name)(*args, **kwargs)
    return {"out": out, "args_after": list(args)}


def raised(name: str, *args: Any, **kwargs: Any) -> str | None:
    """Returns the class name of the exception ``name(*args, **kwargs)`` raises, or None."""
    fn = target(name)
    try:
        fn(*args, **kwargs)
    except Exception as exc:  # the test decides which class was expected
        return type(exc).__name__
    return None


def centered_difference(value: Callable[[], float], x: Any, h: float = 1e-5) -> Any:
    """Returns d value() / d x by centered differences; ``value`` reads the float64 array ``x``,
    which is perturbed in place entry by entry and restored."""
    import numpy as np

    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + h
        plus = float(value())
        x[i] = old - h
        minus = float(value())
        x[i] = old
        grad[i] = (plus - minus) / (2 * h)
    return grad
