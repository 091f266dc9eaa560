"""Plain data: the only values that cross from a probe back to a test.

Plain data is ``None``, ``bool``, ``int``, ``float``, ``str``, numpy arrays of a
numeric or boolean dtype, and lists and string-keyed dicts of those. Tensors and
numpy scalars are converted on the way; anything else is refused, so a probe
cannot smuggle objects (or code) into the process that scores.

``encode``/``decode`` turn plain data into bytes and back with JSON and the
``.npy`` format: never pickle. The bytes are the JSON text, where each array
is ``{"__ndarray__": [offset, length]}``, then, after a NUL byte (which JSON
text never holds), the arrays' ``.npy`` bytes one after the other: no base64,
megabytes of arrays cost a copy. ``decode`` reads what the student's process
sent, so it bounds its work before allocating: an array's place must lie within
the bytes, its header is read first (the one numpy writes for a number dtype by
a pattern, any other by numpy's own reader), and an array whose shape and dtype
ask for more bytes than it holds (or than ``MAX_ARRAY_BYTES``), or whose dtype
is not a plain number, is refused; so is data nested deeper than ``MAX_DEPTH``.
"""
from __future__ import annotations

import io
import json
import math
import re
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


_NPY_PREFIX = b"\x93NUMPY\x01\x00"  # the magic string of .npy and version 1.0, the only one written here
_NPY_ALIGN = 64
_NUMERIC = {np.dtype(code).newbyteorder(order).str: np.dtype(code).newbyteorder(order)
            for code in "?" + np.typecodes["AllInteger"] + np.typecodes["AllFloat"] for order in "<>"}
# the header numpy writes for a numeric dtype, which every array encoded here has: read without a parser
_SIMPLE_HEADER = re.compile(r"\{'descr': '([<>|][a-z]\d{1,2})', 'fortran_order': (False|True), "
                            r"'shape': \(((?:\d{1,18}, )*(?:\d{1,18},?)?)\), \} *\n")


def _npy(a: np.ndarray) -> bytes:
    """Returns ``a`` in the ``.npy`` format (version 1.0, C order), as ``np.save`` writes it, without its overhead."""
    header = f"{{'descr': '{a.dtype.str}', 'fortran_order': False, 'shape': {a.shape!r}, }}"
    header += " " * (_NPY_ALIGN - (len(_NPY_PREFIX) + 2 + len(header) + 1) % _NPY_ALIGN) + "\n"
    return _NPY_PREFIX + len(header).to_bytes(2, "little") + header.encode("latin1") + a.tobytes(order="C")


_ARRAYS_FOLLOW = b"\x00"


def encode(value: Any) -> bytes:
    """Returns the bytes of plain data ``value`` (converted with ``to_plain`` first)."""
    blobs: list[bytes] = []
    end = 0

    def array_place(obj: Any) -> dict:
        nonlocal end
        if not isinstance(obj, np.ndarray):
            raise PlainDataError(f"cannot encode {type(obj).__name__}")
        blobs.append(_npy(obj))
        end += len(blobs[-1])
        return {ARRAY_KEY: [end - len(blobs[-1]), len(blobs[-1])]}

    text = json.dumps(to_plain(value), default=array_place, allow_nan=True).encode("utf-8")
    return b"".join([text, _ARRAYS_FOLLOW, *blobs]) if blobs else text


def load_array(raw: bytes, max_bytes: int = MAX_ARRAY_BYTES) -> np.ndarray:
    """Returns the array in ``.npy`` bytes ``raw``, checked from its header before anything is allocated.

    Raises PlainDataError for a dtype that is not a plain number (object,
    structured, strings), or a shape that asks for more bytes than ``raw``
    holds after the header or than ``max_bytes``.
    """
    header = _simple_header(raw)
    if header is not None:
        return _checked_array(raw, *header)
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
    return _checked_array(raw, shape, fortran, dtype, stream.tell(), max_bytes)


def _simple_header(raw: bytes) -> tuple | None:
    """Returns (shape, fortran, dtype, data offset) of a version 1.0 header as numpy writes it for a numeric dtype;
    None for any other header (numpy's own reader then checks it)."""
    if not raw.startswith(_NPY_PREFIX) or len(raw) < len(_NPY_PREFIX) + 2:
        return None
    offset = len(_NPY_PREFIX) + 2 + int.from_bytes(raw[len(_NPY_PREFIX):len(_NPY_PREFIX) + 2], "little")
    match = _SIMPLE_HEADER.fullmatch(raw[len(_NPY_PREFIX) + 2:offset].decode("latin1"))
    if match is None or match[1] not in _NUMERIC or offset > len(raw):
        return None
    shape = tuple(int(n) for n in match[3].replace(",", " ").split())
    return shape, match[2] == "True", _NUMERIC[match[1]], offset


def _checked_array(raw: bytes, shape: tuple, fortran: bool, dtype: np.dtype, offset: int,
                   max_bytes: int = MAX_ARRAY_BYTES) -> np.ndarray:
    """Returns the array of ``shape`` and numeric ``dtype`` whose data starts at ``offset`` of ``raw``, once the
    bytes it needs are checked against what ``raw`` holds and ``max_bytes``."""
    if any(n < 0 for n in shape):
        raise PlainDataError(f"an array declares the impossible shape {shape}")
    count = math.prod(shape)
    need, held = count * dtype.itemsize, len(raw) - offset
    if need > max_bytes:
        raise PlainDataError(f"an array of shape {shape} and dtype {dtype} needs {need} bytes, more than the "
                             f"{max_bytes >> 20} MB allowed; return smaller results")
    if need != held:
        raise PlainDataError(f"an array declares shape {shape} and dtype {dtype} ({need} bytes) but holds {held} bytes")
    flat = np.frombuffer(raw, dtype=dtype, count=count, offset=offset) if count else np.empty(0, dtype)
    return flat.reshape(shape, order="F" if fortran else "C").copy()


def _array_at(arrays: memoryview, place: Any) -> np.ndarray:
    """Returns the array whose ``.npy`` bytes are at ``place`` (``[offset, length]``) of ``arrays``."""
    if not (isinstance(place, list) and len(place) == 2 and all(type(n) is int and n >= 0 for n in place)):
        raise PlainDataError(f"an array is referred to by {str(place)[:80]}; expected [offset, length]")
    start, length = place
    if start + length > len(arrays):
        raise PlainDataError(f"an array is said to lie at bytes {start} to {start + length} of the {len(arrays)} "
                             "that follow the data")
    return load_array(bytes(arrays[start:start + length]))


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
    split = data.find(_ARRAYS_FOLLOW)
    text, arrays = (data, b"") if split < 0 else (data[:split], memoryview(data)[split + 1:])

    def hook(obj: dict) -> Any:
        return _array_at(arrays, obj[ARRAY_KEY]) if set(obj) == {ARRAY_KEY} else obj

    try:
        value = json.loads(text.decode("utf-8"), object_hook=hook)
    except RecursionError:
        raise PlainDataError(f"the data nests more than {MAX_DEPTH} levels deep") from None
    _check_depth(value)
    return value
