"""Plain data: the only values that cross from a probe back to a test.

Plain data is ``None``, ``bool``, ``int``, ``float``, ``str``, numpy arrays of a
numeric or boolean dtype, and lists and string-keyed dicts of those. Tensors and
numpy scalars are converted on the way; anything else is refused, so a probe
cannot smuggle objects (or code) into the process that scores.

``encode``/``decode`` turn plain data into bytes and back with JSON and the
``.npy`` format read with ``allow_pickle=False``: never pickle.
"""
from __future__ import annotations

import base64
import io
import json
from typing import Any

import numpy as np

ARRAY_KEY = "__ndarray__"
_ALLOWED_KINDS = "biufc"


class PlainDataError(TypeError):
    """A probe returned something that is not plain data."""


def to_plain(value: Any, where: str = "result") -> Any:
    """Returns ``value`` as plain data; raises PlainDataError naming the offending part."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, np.generic):
        return to_plain(value.item(), where)
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in _ALLOWED_KINDS:
            raise PlainDataError(f"{where} is an array of dtype {value.dtype}; expected numbers")
        return np.array(value, copy=True)
    if type(value).__module__.startswith("torch") and hasattr(value, "detach"):
        return to_plain(value.detach().cpu().numpy(), where)
    if isinstance(value, (list, tuple)):
        return [to_plain(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise PlainDataError(f"{where} has a key {k!r} that is not a string")
            out[k] = to_plain(v, f"{where}[{k!r}]")
        return out
    raise PlainDataError(f"{where} is a {type(value).__name__}; expected numbers or arrays")


def _encode_array(a: np.ndarray) -> dict:
    buf = io.BytesIO()
    np.save(buf, a, allow_pickle=False)
    return {ARRAY_KEY: base64.b64encode(buf.getvalue()).decode("ascii")}


def _default(obj: Any) -> Any:
    if isinstance(obj, np.ndarray):
        return _encode_array(obj)
    raise PlainDataError(f"cannot encode {type(obj).__name__}")


def encode(value: Any) -> bytes:
    """Returns the bytes of plain data ``value`` (converted with ``to_plain`` first)."""
    return json.dumps(to_plain(value), default=_default, allow_nan=True).encode("utf-8")


def _decode_hook(obj: dict) -> Any:
    if set(obj) == {ARRAY_KEY}:
        raw = base64.b64decode(obj[ARRAY_KEY].encode("ascii"), validate=True)
        arr = np.load(io.BytesIO(raw), allow_pickle=False)
        if arr.dtype.kind not in _ALLOWED_KINDS:
            raise PlainDataError(f"decoded an array of dtype {arr.dtype}")
        return arr
    return obj


def decode(data: bytes) -> Any:
    """Returns the plain data encoded in ``data``; never unpickles."""
    return json.loads(data.decode("utf-8"), object_hook=_decode_hook)
