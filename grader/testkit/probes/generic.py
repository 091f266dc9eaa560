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


def make_folder(path: str) -> str:
    """Makes the folder ``path`` (with its parents) where the implementation runs; returns it."""
    import os

    os.makedirs(path, exist_ok=True)
    return path


def call(name: str, *args: Any, **kwargs: Any) -> Any:
    """Returns ``name(*args, **kwargs)``."""
    return target(name)(*args, **kwargs)


def call_keeping_inputs(name: str, *args: Any, **kwargs: Any) -> dict:
    """Returns the result of ``name(*args, **kwargs)`` and the positional arguments after the call."""
    out = target(name)(*args, **kwargs)
    return {"out": out, "args_after": list(args)}


def call_keeping_global_rngs(name: str, *args: Any, **kwargs: Any) -> dict:
    """Returns ``{"out", "untouched"}``: ``name(*args, **kwargs)``, and whether Python's, numpy's and torch's global
    random states are after the call what they were before it (see ``build_keeping_global_rngs``)."""
    got = build_keeping_global_rngs(name, list(args), kwargs)
    return {"out": got["out"], "untouched": not got["changed"]}


def build_keeping_global_rngs(name: str, args: list, kwargs: dict | None = None,
                              part: int | str | None = None) -> dict:
    """Returns ``{"out", "changed"}``: ``name(*args, **kwargs)`` (only its item ``part`` when that is an int, its
    attribute ``part`` when a string: a model's ``weights``), and which of Python's, numpy's and torch's global
    random states (``"random"``, ``"numpy"``, ``"torch"``) differ after the call from before it.

    One number is drawn from each first: the states before the call are then none that a call which seeds them and
    does not restore them can leave (an earlier call with the same seed in this worker left exactly that).
    """
    import random

    import numpy as np
    import torch

    def states() -> dict:
        return {"random": random.getstate(), "numpy": np.random.get_state(), "torch": torch.get_rng_state()}

    random.random(), np.random.random(), torch.rand(1)
    before = states()
    out = target(name)(*args, **(kwargs or {}))
    after = states()
    same = {"random": before["random"] == after["random"], "torch": torch.equal(before["torch"], after["torch"]),
            "numpy": all(np.array_equal(a, b) if isinstance(a, np.ndarray) else a == b
                         for a, b in zip(before["numpy"], after["numpy"]))}
    if part is not None:
        out = out[part] if isinstance(part, int) else getattr(out, part)
    return {"out": out,
            "changed": [lib for lib in ("random", "numpy", "torch") if not same[lib]]}


LAYOUTS = ("C", "F", "channels_last")


def laid_out(a: Any, layout: str = "C") -> Any:
    """Returns an array equal to numpy array ``a`` (values, shape, dtype) whose memory follows ``layout``.

    ``"C"``: ``a`` itself. ``"F"``: the axes laid out in reverse order (a
    transposed array). ``"channels_last"``: axis 1 laid out last (images
    stored (N, H, W, C) and permuted to (N, C, H, W)). Where that order is C
    order anyway (one axis, or axes of length 1), the result holds every second
    entry of a buffer twice as long instead: never contiguous unless ``"C"``.
    Anything but an array of two or more entries is returned as it is.
    """
    import numpy as np

    if layout not in LAYOUTS:
        raise ValueError(f"layout {layout!r}: expected one of {', '.join(LAYOUTS)}")
    if layout == "C" or not isinstance(a, np.ndarray) or a.size < 2:
        return a
    out = np.asfortranarray(a) if layout == "F" or a.ndim < 3 else \
        np.moveaxis(np.ascontiguousarray(np.moveaxis(a, 1, -1)), -1, 1)
    if out.flags.c_contiguous:
        buffer = np.zeros(a.shape[:-1] + (2 * a.shape[-1],), dtype=a.dtype)
        buffer[..., ::2] = a
        out = buffer[..., ::2]
    return out


def _as_array(value: Any) -> Any:
    """Returns a numpy view of a numpy array or a CPU tensor (for comparing memory), else None."""
    import numpy as np

    if isinstance(value, np.ndarray):
        return value
    if type(value).__module__.startswith("torch") and hasattr(value, "detach") and value.device.type == "cpu":
        return value.detach().numpy()
    return None


def _arrays_in(value: Any, name: str) -> list:
    """Returns ``(name, array)`` for every array or tensor in ``value``, at any depth of lists, tuples and dicts."""
    if isinstance(value, (list, tuple)):
        return [pair for i, v in enumerate(value) for pair in _arrays_in(v, f"{name}[{i}]")]
    if isinstance(value, dict):
        return [pair for k, v in value.items() for pair in _arrays_in(v, f"{name}[{k!r}]")]
    array = _as_array(value)
    return [] if array is None else [(name, array)]


def shared_memory(returned: dict, inputs: dict) -> list[str]:
    """Returns ``"a ~ b"`` for every array (or tensor) ``a`` in ``returned`` that shares memory with an array ``b``
    in ``inputs`` or with another array of ``returned``; names are the dicts' keys with indices (``grads[0]``)."""
    import numpy as np

    results = [pair for key, value in returned.items() for pair in _arrays_in(value, key)]
    others = [pair for key, value in inputs.items() for pair in _arrays_in(value, key)]
    found = []
    for i, (name, array) in enumerate(results):
        for other, memory in results[i + 1:] + others:
            if array.size and memory.size and np.shares_memory(array, memory):
                found.append(f"{name} ~ {other}")
    return found


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
