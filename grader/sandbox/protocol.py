"""The wire between supervisor and worker: length-prefixed frames of plain data (JSON and ``.npy``, never pickle)."""
from __future__ import annotations

import os
import struct
from typing import Any

from grader.sandbox.errors import BadReply, StudentCodeError, remote_error
from grader.testkit import plain

HEADER = struct.Struct(">I")
MAX_FRAME = 16 << 20  # replies are predictions and test arrays: at most a few MB
TUPLE_KEY = "__tuple__"


def pack(value: Any) -> Any:
    """Marks tuples so that they arrive as tuples (plain data would turn them into lists)."""
    if isinstance(value, tuple):
        return {TUPLE_KEY: [pack(v) for v in value]}
    if isinstance(value, list):
        return [pack(v) for v in value]
    if isinstance(value, dict):
        return {k: pack(v) for k, v in value.items()}
    return value


def unpack(value: Any) -> Any:
    """Returns ``value`` with the tuples that ``pack`` marked restored."""
    if isinstance(value, dict):
        if set(value) == {TUPLE_KEY}:
            return tuple(unpack(v) for v in value[TUPLE_KEY])
        return {k: unpack(v) for k, v in value.items()}
    if isinstance(value, list):
        return [unpack(v) for v in value]
    return value


def encode_request(call_id: int, name: str, args: list, kwargs: dict) -> bytes:
    """Returns the frame body of one call of ``name`` (a reference the worker's executor resolves)."""
    return plain.encode({"id": call_id, "name": name, "args": pack(list(args)), "kwargs": pack(dict(kwargs))})


def frame(body: bytes) -> bytes:
    """Returns ``body`` behind its length header."""
    return HEADER.pack(len(body)) + body


def read_exact(fd: int, n: int) -> bytes | None:
    """Returns exactly ``n`` bytes read from ``fd``, or None when it closes first."""
    chunks, left = [], n
    while left:
        chunk = os.read(fd, left)
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def write_all(fd: int, data: bytes) -> None:
    """Writes all of ``data`` to the blocking descriptor ``fd``."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def outcome(reply: Any, call_id: int, what: str, memory_mb: int | None) -> Any:
    """Returns the result that worker ``reply`` to call ``call_id`` (named ``what``) carries, or raises the error it
    reports (``errors.remote_error``; a student's ``SystemExit`` as a ``StudentCodeError``), or ``BadReply`` when
    the reply is not one; a memory error says the limit (``memory_mb``)."""
    if not isinstance(reply, dict) or reply.get("id") != call_id or len(reply) != 2:
        raise BadReply(f"{what}: the worker sent a reply that does not answer this call")
    if "ok" in reply:
        return reply["ok"]
    error = reply.get("error")
    if not isinstance(error, dict) or not all(isinstance(error.get(k), str) for k in ("type", "message", "where")):
        raise BadReply(f"{what}: the worker sent a malformed error")
    type_name, message = error["type"][:100], error["message"][:4000]
    if memory_mb and (type_name == "MemoryError" or "can't allocate memory" in message):
        message += f" (your code may use at most {memory_mb} MB of memory)"
    if type_name == "SystemExit":
        raise StudentCodeError(message, type_name, error["where"][:4000])
    raise remote_error(type_name, message, error["where"][:4000])
