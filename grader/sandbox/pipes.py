"""The pipes between the supervisor and one worker: frames sent and received, and what student code prints.

A ``Worker`` is the supervisor's view of one worker process: its pid (as the
fork server sees it) and the ends of its stdin, stdout (the frames) and
capture pipe (what student code prints, kept by an ``Output`` up to a limit).
"""
from __future__ import annotations

import os
import select
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from grader.sandbox import protocol
from grader.sandbox.errors import BadReply, CallTimeout, WorkerDied
from grader.testkit import plain

POLL_S = 2.0  # how often ``receive`` asks its ``check`` while waiting


@dataclass
class Worker:
    pid: int
    out_fd: int
    err_fd: int
    in_fd: int
    buffer: bytearray = field(default_factory=bytearray)
    err_open: bool = True
    baseline_kb: int | None = None  # its own memory after its first call


class Output:
    """The output of the workers of one sandbox since it was last taken: at most ``limit`` bytes kept."""

    def __init__(self, limit: int):
        self.limit = limit
        self.kept = bytearray()
        self.dropped = 0

    def drain(self, worker, timeout: float) -> None:
        """Reads what ``worker`` (its ``err_fd``, ``err_open``) printed, for at most ``timeout`` s of waiting."""
        while worker.err_open:
            ready, _, _ = select.select([worker.err_fd], [], [], timeout)
            if not ready:
                return
            try:
                data = os.read(worker.err_fd, 1 << 16)
            except OSError:
                data = b""
            if not data:
                worker.err_open = False
                return
            room = max(self.limit - len(self.kept), 0)
            self.kept += data[:room]
            self.dropped += max(len(data) - room, 0)
            timeout = 0

    def take(self) -> str:
        """Returns what was kept (and how much was dropped) and starts again."""
        text = self.kept.decode("utf-8", "replace")
        if self.dropped:
            text += f"\n[... {self.dropped} more bytes of output were dropped]"
        self.kept, self.dropped = bytearray(), 0
        return text


def send(worker: Worker, data: bytes, deadline: float, output: Output) -> None:
    """Writes ``data`` to the worker's stdin, draining its output meanwhile; raises CallTimeout or WorkerDied."""
    view = memoryview(data)
    while view:
        left = deadline - time.monotonic()
        if left <= 0:
            raise CallTimeout("")
        _, writable, _ = select.select([], [worker.in_fd], [], left)
        output.drain(worker, 0)
        if writable:
            try:
                view = view[os.write(worker.in_fd, view):]
            except BlockingIOError:
                continue
            except BrokenPipeError:
                raise WorkerDied("") from None


def receive(worker: Worker, deadline: float, output: Output,
            check: Callable[[float], float] | None = None) -> Any:
    """Returns the next frame from the worker, decoded; raises CallTimeout, WorkerDied or BadReply.

    ``check(deadline)``, when given, is asked at least every POLL_S while waiting and returns the deadline to
    keep (it may move it, or raise to end the wait).
    """
    buf = worker.buffer
    while True:
        if len(buf) >= protocol.HEADER.size:
            size = protocol.HEADER.unpack(buf[:protocol.HEADER.size])[0]
            if size > protocol.MAX_FRAME:
                raise BadReply(f"the reply is larger than {protocol.MAX_FRAME >> 20} MB")
            if len(buf) >= protocol.HEADER.size + size:
                body = bytes(buf[protocol.HEADER.size:protocol.HEADER.size + size])
                del buf[:protocol.HEADER.size + size]
                try:
                    return plain.decode(body)
                except (ValueError, TypeError, RecursionError) as exc:
                    raise BadReply(f"the reply could not be decoded as plain data ({exc})") from None
        if check is not None:
            deadline = check(deadline)
        left = deadline - time.monotonic()
        if left <= 0:
            raise CallTimeout("")
        fds = [worker.out_fd, worker.err_fd] if worker.err_open else [worker.out_fd]
        ready, _, _ = select.select(fds, [], [], left if check is None else min(left, POLL_S))
        if worker.err_fd in ready:
            output.drain(worker, 0)
        if worker.out_fd in ready:
            data = os.read(worker.out_fd, 1 << 20)
            if not data:
                raise WorkerDied("")
            buf += data
