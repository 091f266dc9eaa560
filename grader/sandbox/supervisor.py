"""The supervisor: ``Sandbox`` keeps one worker at a time, sends it calls and reads back plain data.

- Protocol: length-prefixed JSON frames (``grader.sandbox.protocol``) on the
  worker's stdin and stdout. The worker moves the pipes to private descriptors
  first and points its own stdout and stderr at a pipe that the supervisor
  drains and truncates, so prints cannot corrupt a frame.
- Isolation: see ``grader.sandbox.isolation``. The environment is scrubbed, and
  the worker limits itself with ``resource`` before any student code runs:
  address space, CPU time, processes, file size, no core files.
- Time: every call has a limit; a call that overruns kills the worker, which is
  replaced on the next call, and the same call (same ``key``) is not tried
  again. A whole-run budget stops every call once it is spent.
- Memory: a worker whose own memory (not shared with the fork server) grew by
  more than ``restart_above_mb`` since its first call (data that student code
  kept) is replaced between two calls, so that the grader and its worker stay
  small; what the first call imported is not counted, or every new worker
  would be replaced in turn.
"""
from __future__ import annotations

import os
import secrets
import select
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.sandbox import protocol
from grader.sandbox.errors import (BadReply, BudgetExhausted, CallTimeout, SandboxError, StudentCodeError, WorkerDied,
                                   remote_error)
from grader.sandbox.forkserver import ForkServer
from grader.sandbox.limits import Limits, describe_death
from grader.sandbox.isolation import (DEFAULT_USER, NONE, USER, choose, copy_implementation, kill_all, make_private,
                                      open_up, processes_of, python_paths, threads_of, worker_code)
from grader.testkit import plain

STARTUP_TIMEOUT_S = 60.0
MEMORY_CHECK_EVERY_S = 3.0  # a check reads /proc/PID/smaps_rollup: about 10 ms for a worker with torch
_MB = 1 << 20


@dataclass
class _Worker:
    pid: int
    out_fd: int
    err_fd: int
    in_fd: int
    buffer: bytearray = field(default_factory=bytearray)
    err_open: bool = True
    baseline_kb: int | None = None  # its own memory after its first call


class Sandbox:
    """Supervises workers that run calls against a copy of the implementation rooted at ``root``.

    ``executor`` (``module:function``) is what a worker runs for each call:
    ``executor(name, args, kwargs)`` returns plain data. ``isolation`` is one
    of ``grader.sandbox.isolation.MODES`` (``auto``: the strongest that works
    here, or SandboxError); ``user`` the unprivileged user workers drop to when
    the grader is root; ``private`` the paths closed to that user in the
    ``user`` mode. ``deadline`` (``time.monotonic()`` seconds) shares one budget
    between sandboxes; it defaults to now plus ``limits.budget_s``. ``preload``
    modules are imported by the fork server, so that workers share them;
    ``devices`` are device files workers may use (GPUs).

    In the ``user`` and ``none`` modes workers are forked from a copy of this
    process made at construction: create the sandbox before anything secret is
    imported or computed here (test modules, expected values, labels).
    """

    def __init__(self, root: Path, executor: str, limits: Limits | None = None, private: list[Path] | tuple = (),
                 user: str = DEFAULT_USER, deadline: float | None = None, preload: tuple = ("numpy", "torch"),
                 isolation: str = "auto", devices: tuple = ()):
        self.root = Path(root)
        self.executor = executor
        self.limits = limits or Limits()
        self.deadline = deadline if deadline is not None else time.monotonic() + self.limits.budget_s
        self.timed_out: dict[Any, float] = {}
        self.isolation = choose(isolation, user)
        self.user = self.isolation.user
        self._worker: _Worker | None = None
        self._worker_limits = self.limits
        self._checked = 0.0
        self._calls = 0
        self._failed_starts = 0
        self._scratch = 0
        self._output = bytearray()
        self._dropped = 0
        self._preload, self._devices = tuple(preload), tuple(devices)
        # Unpredictable names below a folder others cannot list: no other submission finds these.
        self.base = Path(tempfile.mkdtemp(prefix="grader-sandbox-"))
        self.impl, self.home, self.scratch_root = (self.base / secrets.token_hex(8) for _ in range(3))
        copy_implementation(self.root, self.impl)
        open_up(self.impl)
        for folder in (self.home, self.home / "tmp", self.scratch_root):
            folder.mkdir(mode=0o700)
        if self.user is not None:
            for p in (self.home, self.home / "tmp"):
                os.chown(p, self.user.pw_uid, self.user.pw_gid)
            os.chmod(self.scratch_root, 0o711)
        self._reopen: dict[Path, int] = {}  # what the user mode closed, and the modes to give back at the end
        if self.isolation.mode == USER:
            for p in map(Path, private):
                mode = make_private(p)
                if mode is not None:
                    self._reopen[p] = mode
        os.chmod(self.base, 0o711)
        self._server: ForkServer | None = None
        self.hidden_cpu_s = 0.0
        """CPU seconds of the sandbox's processes that this process's resource usage does not count (bubblewrap)."""
        self._server = self._new_server()

    def _new_server(self) -> ForkServer:
        if self._server is not None:
            self.hidden_cpu_s += self._server.close()
        return ForkServer(self.isolation, [*python_paths(), *worker_code(), self.impl],
                          [self.home, self.scratch_root], self._preload, self._devices)

    @property
    def isolated(self) -> bool:
        """Whether student code is isolated (namespaces or another user), not merely limited."""
        return self.isolation.mode != NONE

    def budget_left(self) -> float:
        """Returns the seconds left in the whole-run budget."""
        return self.deadline - time.monotonic()

    # -- worker lifecycle

    def _environment(self) -> dict[str, str]:
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(self.home), "TMPDIR": str(self.home / "tmp"),
               "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "MALLOC_ARENA_MAX": "2",
               "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
               "MPLBACKEND": "Agg", "MPLCONFIGDIR": str(self.home / "tmp")}
        for key in ("OPENBLAS_CORETYPE", "CUDA_VISIBLE_DEVICES"):
            if key in os.environ:
                env[key] = os.environ[key]
        return env

    def _start(self, limits: Limits) -> _Worker:
        if self._failed_starts >= 2:
            raise SandboxError("the sandbox could not start a worker (see the first error)")
        uid = self.user.pw_uid if self.user else None
        settings = {
            "impl": str(self.impl),
            "executor": self.executor,
            "home": str(self.home),
            "env": self._environment(),
            "uid": uid,
            "gid": self.user.pw_gid if self.user else None,
            "cpu_s": limits.cpu_s,
            "file_size_mb": limits.file_size_mb,
            "memory_mb": limits.memory_mb,
            "nproc": threads_of(os.getuid() if uid is None else uid) + limits.processes,
        }
        (in_r, in_w), (out_r, out_w), (err_r, err_w) = os.pipe(), os.pipe(), os.pipe()
        try:
            try:
                pid = self._server.spawn(settings, [in_r, out_w, err_w])
            except SandboxError:  # the fork server died (student code may kill it): a new one, once
                self._server = self._new_server()
                pid = self._server.spawn(settings, [in_r, out_w, err_w])
        finally:
            for fd in (in_r, out_w, err_w):
                os.close(fd)
        worker = _Worker(pid, out_r, err_r, in_w)
        os.set_blocking(worker.in_fd, False)
        self._worker, self._worker_limits = worker, limits
        self._checked = time.monotonic()
        try:
            ready = self._receive(worker, time.monotonic() + min(STARTUP_TIMEOUT_S, max(self.budget_left(), 1.0)))
        except (CallTimeout, WorkerDied, BadReply) as exc:
            self._kill()
            self._failed_starts += 1
            raise SandboxError(f"the sandbox worker did not start: {exc.message}\n{self._tail()}") from None
        if not (isinstance(ready, dict) and isinstance(ready.get("ready"), int)):
            self._kill()
            raise SandboxError("the sandbox worker did not start: unexpected first frame")
        self._failed_starts = 0
        self.take_output()
        return worker

    def _too_big(self, worker: _Worker) -> bool:
        """Whether the worker's own memory (private pages) grew by more than ``restart_above_mb`` since its first
        call; checked every ``MEMORY_CHECK_EVERY_S``."""
        if not self.limits.restart_above_mb or time.monotonic() - self._checked < MEMORY_CHECK_EVERY_S:
            return False
        self._checked = time.monotonic()
        private = self._own_kb(worker)
        return private is not None and private > (worker.baseline_kb or 0) + self.limits.restart_above_mb * 1024

    def _own_kb(self, worker: _Worker) -> int | None:
        """Returns the worker's own memory in kB (None when it or the fork server is gone: a call will tell)."""
        try:
            return self._server.private_kb(worker.pid)
        except SandboxError:
            return None

    def _kill(self) -> int | None:
        """Stops the current worker and its processes; returns its exit code when known."""
        worker, self._worker = self._worker, None
        if worker is None:
            return None
        try:
            code = self._server.kill(worker.pid)
        except SandboxError:  # the fork server is gone: replace it, and every process of the sandbox with it
            self._server, code = self._new_server(), None
        self._drain(worker, 0)
        for fd in (worker.in_fd, worker.out_fd, worker.err_fd):
            try:
                os.close(fd)
            except OSError:
                pass
        return code

    def _exit_status(self, worker: _Worker) -> int | None:
        try:
            return self._server.wait(worker.pid, 5)
        except SandboxError:
            return None

    def scratch(self) -> Path:
        """Returns a new empty folder that the worker owns (reads and writes), for files a test exchanges with it."""
        self._scratch += 1
        folder = self.scratch_root / str(self._scratch)
        folder.mkdir(mode=0o700)
        if self.user is not None:
            os.chown(folder, self.user.pw_uid, self.user.pw_gid)
        return folder

    def close(self) -> None:
        """Stops the worker, the fork server and every process of the sandbox; removes the sandbox's folder."""
        self._kill()
        self.hidden_cpu_s += self._server.close()
        if self.isolation.mode == USER:
            kill_all(lambda: processes_of(self.user.pw_uid))
            for path, mode in self._reopen.items():
                path.chmod(mode)
        shutil.rmtree(self.base, ignore_errors=True)

    def __enter__(self) -> "Sandbox":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- output

    def _keep(self, data: bytes) -> None:
        room = self.limits.output_kb * 1024 - len(self._output)
        self._output += data[:max(room, 0)]
        self._dropped += max(len(data) - max(room, 0), 0)

    def _drain(self, worker: _Worker, timeout: float) -> None:
        """Reads what the worker printed, for at most ``timeout`` seconds of waiting."""
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
            self._keep(data)
            timeout = 0

    def take_output(self) -> str:
        """Returns what student code printed since the last call of this method (truncated)."""
        if self._worker is not None:
            self._drain(self._worker, 0)
        text = self._output.decode("utf-8", "replace")
        if self._dropped:
            text += f"\n[... {self._dropped} more bytes of output were dropped]"
        self._output, self._dropped = bytearray(), 0
        return text

    def _tail(self) -> str:
        return self.take_output()[-2000:]

    # -- calls

    def _send(self, worker: _Worker, data: bytes, deadline: float) -> None:
        view = memoryview(data)
        while view:
            left = deadline - time.monotonic()
            if left <= 0:
                raise CallTimeout("")
            _, writable, _ = select.select([], [worker.in_fd], [], left)
            self._drain(worker, 0)
            if writable:
                try:
                    view = view[os.write(worker.in_fd, view):]
                except BlockingIOError:
                    continue
                except BrokenPipeError:
                    raise WorkerDied("") from None

    def _receive(self, worker: _Worker, deadline: float) -> Any:
        """Returns the next frame from the worker, decoded; raises CallTimeout, WorkerDied or BadReply."""
        buf = worker.buffer
        while True:
            if len(buf) >= protocol.HEADER.size:
                size = protocol.HEADER.unpack(buf[:protocol.HEADER.size])[0]
                if size > protocol.MAX_FRAME:
                    raise BadReply(f"the reply is larger than {protocol.MAX_FRAME // _MB} MB")
                if len(buf) >= protocol.HEADER.size + size:
                    body = bytes(buf[protocol.HEADER.size:protocol.HEADER.size + size])
                    del buf[:protocol.HEADER.size + size]
                    try:
                        return plain.decode(body)
                    except (ValueError, TypeError, RecursionError) as exc:
                        raise BadReply(f"the reply could not be decoded as plain data ({exc})") from None
            left = deadline - time.monotonic()
            if left <= 0:
                raise CallTimeout("")
            fds = [worker.out_fd, worker.err_fd] if worker.err_open else [worker.out_fd]
            ready, _, _ = select.select(fds, [], [], left)
            if worker.err_fd in ready:
                self._drain(worker, 0)
            if worker.out_fd in ready:
                data = os.read(worker.out_fd, 1 << 20)
                if not data:
                    raise WorkerDied("")
                buf += data

    def call(self, name: str, args: list, kwargs: dict, timeout: float | None = None, what: str | None = None,
             key: Any = None, limits: Limits | None = None) -> Any:
        """Runs ``name`` on the arguments in the worker (through the executor) and returns its plain-data result.

        ``what`` names the call in messages (default ``name``). A call that timed
        out is not tried again: later calls with the same ``key`` (default
        ``name``) fail at once. ``limits`` replaces the sandbox's resource limits
        for this call (the worker is replaced when they differ from its own);
        time limits and the budget stay the sandbox's. Raises the student's exception (see
        ``remote_error``), ``CallTimeout``, ``WorkerDied``, ``BadReply`` or
        ``BudgetExhausted``.
        """
        what = what or name
        key = name if key is None else key
        if key in self.timed_out:
            raise CallTimeout(f"{what} timed out after {self.timed_out[key]:g} s earlier; "
                              "it was not called again")
        limit = timeout if timeout is not None else self.limits.call_timeout_s
        if self.budget_left() <= 0:
            raise BudgetExhausted(f"not run: the time budget for grading ({self.limits.budget_s:g} s) was used up")
        limits = limits or self.limits
        if self._worker is not None and (self._too_big(self._worker) or limits != self._worker_limits):
            self._kill()
        worker = self._worker or self._start(limits)
        self._calls += 1
        body = protocol.encode_request(self._calls, name, args, kwargs)
        by_budget = self.budget_left() < limit
        deadline = time.monotonic() + min(limit, max(self.budget_left(), 0.0))
        try:
            self._send(worker, protocol.frame(body), deadline)
            reply = self._receive(worker, deadline)
        except CallTimeout:
            self._kill()
            if by_budget:
                raise BudgetExhausted(f"{what} was stopped: the time budget for grading "
                                      f"({self.limits.budget_s:g} s) ran out") from None
            self.timed_out[key] = limit
            raise CallTimeout(f"{what} timed out after {limit:g} s (is there an infinite loop?)") from None
        except WorkerDied:
            status = self._exit_status(worker)
            self._drain(worker, 0)
            self._kill()
            raise WorkerDied(f"the process running your code {describe_death(status, limits)} "
                             f"during {what}") from None
        except BadReply as exc:
            self._kill()
            raise BadReply(f"{what}: {exc.message}") from None
        if worker.baseline_kb is None and self.limits.restart_above_mb:
            worker.baseline_kb = self._own_kb(worker) or 0
        return self._result(reply, what)

    def _result(self, reply: Any, what: str) -> Any:
        if not isinstance(reply, dict) or reply.get("id") != self._calls or len(reply) != 2:
            self._kill()
            raise BadReply(f"{what}: the worker sent a reply that does not answer this call")
        if "ok" in reply:
            return reply["ok"]
        error = reply.get("error")
        if not isinstance(error, dict) or not all(isinstance(error.get(k), str) for k in ("type", "message", "where")):
            self._kill()
            raise BadReply(f"{what}: the worker sent a malformed error")
        type_name, message = error["type"][:100], error["message"][:4000]
        memory_mb = self._worker_limits.memory_mb
        if memory_mb and (type_name == "MemoryError" or "can't allocate memory" in message):
            message += f" (your code may use at most {memory_mb} MB of memory)"
        if type_name == "SystemExit":
            raise StudentCodeError(message, type_name, error["where"][:4000])
        raise remote_error(type_name, message, error["where"][:4000])
