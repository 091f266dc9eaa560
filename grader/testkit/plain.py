"""Plain data: the only values that cross from a probe back to a test.

Plain data is ``None``, ``bool``, ``int``, ``float``, ``str``, numpy arrays of a
numeric or boolean dtype, and lists and string-keyed dicts of those. Tensors and
numpy scalars are converted on the way; anything else is refused, so a probe
cannot smuggle objects (or code) into the process that scores.

``encode``/``decode`` turn plain data into bytes and back with JSON and the
``.npy`` format: never pickle. ``decode`` reads what the student's process
sent, so it bounds its work before allocating: an array's header is read first,
and an array whose shape and dtype ask for more bytes than it holds (or than
``MAX_ARRAY_BYTES``), or whose dtype is not a plain number, is refused; so is
data nested deeper than ``MAX_DEPTH``.
"""
from __future__ import annotations

import base64
import io
import json
import math
from typing import Any

import numpy as np

__tracebackhide__ = True  # a failure's traceback shows the test and the student's code only

ARRAY_KEY = "__ndarray__"
MAX_ARRAY_BYTES = 64 << 20  # far above any array a test or a graded run exchanges (a few MB at most)
MAX_DEPTH = 64              # results nest a few levels (a dict of lists of arrays)
_MAX_HEADER = 10_000        # numpy's own default for .npy headers
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


def load_array(raw: bytes, max_bytes: int = MAX_ARRAY_BYTES) -> np.ndarray:
    """Returns the array in ``.npy`` bytes ``raw``, checked from its header before anything is allocated.

    Raises PlainDataError for a dtype that is not a plain number (object,
    structured, strings), or a shape that asks for more bytes than ``raw``
    holds after the header or than ``max_bytes``.
    """
    stream = io.BytesIO(raw)
    try:
        version = np.lib.format.read_magic(stream)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(stream, max_header_size=_MAX_HEADER)
        elif version == (2, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(stream, max_header_size=_MAX_HEADER)
        else:
            raise ValueError(f".npy version {version} is not read here")
    except (ValueError, TypeError, SyntaxError, OverflowError, RecursionError) as exc:
        raise PlainDataError(f"an array is not valid .npy data ({exc})") from None
    if dtype.kind not in _ALLOWED_KINDS or dtype.fields is not None or dtype.subdtype is not None:
        raise PlainDataError(f"an array has dtype {dtype}; expected numbers")
    if any(n < 0 for n in shape):
        raise PlainDataError(f"an array declares the impossible shape {shape}")
    count = math.prod(shape)
    need, held = count * dtype.itemsize, len(raw) - stream.tell()
    if need > max_bytes:
        raise PlainDataError(f"an array of shape {shape} and dtype {dtype} needs {need} bytes, more than the "
                             f"{max_bytes >> 20} MB allowed; return smaller results")
    if need != held:
        raise PlainDataError(f"an array declares shape {shape} and dtype {dtype} ({need} bytes) but holds {held} bytes")
    flat = np.frombuffer(raw, dtype=dtype, count=count, offset=stream.tell()) if count else np.empty(0, dtype)
    return flat.reshape(shape, order="F" if fortran else "C").copy()


def _decode_hook(obj: dict) -> Any:
    if set(obj) == {ARRAY_KEY}:
        text = obj[ARRAY_KEY]
        if not isinstance(text, str):
            raise PlainDataError(f"an array is encoded as a {type(text).__name__}; expected base64 text")
        try:
            raw = base64.b64decode(text.encode("ascii"), validate=True)
        except ValueError as exc:  # binascii.Error, and non-ASCII text
            raise PlainDataError(f"an array is not valid base64 ({exc})") from None
        return load_array(raw)
    return obj


def _check_depth(value: Any) -> None:
    """Raises PlainDataError when lists and dicts in ``value`` nest deeper than ``MAX_DEPTH``."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (list, dict)):
            if depth > MAX_DEPTH:
                raise PlainDataError(f"the data nests more than {MAX_DEPTH} levels deep")
            children = item.values() if isinstance(item, dict) else item
            stack.extend((v, depth + 1) for v in children if isinstance(v, (list, dict)))


def decode(data: bytes) -> Any:
    """Returns the plain data encoded in ``data``; never unpickles, and bounds every array before allocating it.

    Raises PlainDataError (or ValueError for text that is not JSON) for data it refuses.
    """
    try:
        value = json.loads(data.decode("utf-8"), object_hook=_decode_hook)
    except RecursionError:
        raise PlainDataError(f"the data nests more than {MAX_DEPTH} levels deep") from None
    _check_depth(value)
    return value
