"""Probes that call one function of the implementation by name."""
from __future__ import annotations

import copy
import importlib
from typing import Any, Callable

__tracebackhide__ = True  # a failure's traceback shows the test and the student's code only


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


def call_keeping_global_rngs(name: str, *args: Any, **kwargs: Any) -> dict:
    """Returns ``{"out", "untouched"}``: ``name(*args, **kwargs)``, and whether Python's, numpy's and torch's global
    random states are after the call what they were before it.

    One number is drawn from each first: the states before the call are then none that a call which seeds them and
    does not restore them can leave (an earlier call with the same seed in this worker left exactly that).
    """
    import random

    import numpy as np
    import torch

    random.random(), np.random.random(), torch.rand(1)
    before = (random.getstate(), np.random.get_state(), torch.get_rng_state())
    out = target(name)(*args, **kwargs)
    after = (random.getstate(), np.random.get_state(), torch.get_rng_state())
    same_numpy = all(np.array_equal(a, b) if isinstance(a, np.ndarray) else a == b
                     for a, b in zip(before[1], after[1]))
    untouched = before[0] == after[0] and same_numpy and torch.equal(before[2], after[2])
    return {"out": out, "untouched": untouched}


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
