"""Probes that call one function of the implementation by name."""
from __future__ import annotations

import copy
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


def perturbed(values: Any, perturbation: list) -> Any:
    """Returns a deep copy of ``values`` (a list or a dict) with one array entry moved.

    ``perturbation`` is ``[key, flat_index, delta]``: ``values[key]`` becomes a
    float64 copy whose entry ``flat_index`` (in C order) is increased by
    ``delta``. ``values`` itself is left as it was.
    """
    import numpy as np

    key, index, delta = perturbation
    out = copy.deepcopy(values)
    moved = np.array(values[key], dtype=np.float64)
    moved.flat[int(index)] += delta
    out[key] = moved
    return out
