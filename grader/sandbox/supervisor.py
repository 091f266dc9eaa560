"""The supervisor: ``Sandbox`` keeps one worker at a time, sends it calls and reads back plain data.

- Protocol: length-prefixed JSON frames (``grader.sandbox.protocol``) on the
  worker's stdin and stdout (``grader.sandbox.pipes``). The worker moves the
  pipes to private descriptors first and points its own stdout and stderr at a
  pipe that the supervisor drains and truncates, so prints cannot corrupt a frame.
- Isolation: see ``grader.sandbox.isolation``. The environment is scrubbed, and
  the worker limits itself with ``resource`` before any student code runs:
  address space, CPU time, processes, file size, no core files.
- Time: every call has a limit; a call that overruns kills the worker, which is
  replaced on the next call, and the same call (same ``key``) is not tried
  again. A whole-run budget stops every call once it is spent.
  Time that the worker spent waiting for a CPU (a busy machine) does not count:
  the limit is stretched by it, up to ``MAX_STRETCH`` times.
- Memory: a worker whose own memory (not shared with the fork server) grew by
  more than ``restart_above_mb`` since its first call (data that student code
  kept) is replaced between two calls, so that the grader and its worker stay
  small; what the first call imported is not counted, or every new worker
  would be replaced in turn. During a long call the sandbox's memory is
  measured every ``MEASURE_EVERY_S``: private pages, shared memory and
  in-memory files together; over the limit, the call ends (and so when the
  worker's folders hold more than ``space_mb``).
- Faults: a worker that does not start, is killed from outside or is starved
  of CPU is tried again, up to ``TRIES`` times (``grader.sandbox.watch``);
  every fault is kept in ``faults`` for the staff.
"""
from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from grader.sandbox import protocol
from grader.sandbox.errors import BadReply, BudgetExhausted, CallTimeout, MachineFault, SandboxError, WorkerDied
from grader.sandbox.forkserver import ForkServer
from grader.sandbox.host import DEFAULT_USER
from grader.sandbox.isolation import NAMESPACES, NONE, choose, python_paths, threads_of, worker_code
from grader.sandbox.limits import Limits, describe_death, unexplained
from grader.sandbox.pipes import Output, Worker, receive, send
from grader.sandbox.watch import Fault, OverLimit, Watch
from grader.sandbox.workspace import Workspace

STARTUP_TIMEOUT_S = 60.0
MEMORY_CHECK_EVERY_S = 3.0  # a check reads /proc/PID/smaps_rollup: about 10 ms for a worker with torch
TRIES = 3
RETRY_PAUSE_S = 1.0


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
        self.faults: list[str] = []
        """What went wrong beyond student code (each fault of the machine, retried or not), for the staff."""
        self._worker: Worker | None = None
        self._worker_limits = self.limits
        self._checked = 0.0
        self._calls = 0
        self._broken = False
        self.output = Output(self.limits.output_kb * 1024)
        self._preload, self._devices = tuple(preload), tuple(devices)
        self.files = Workspace(self.root, choose(isolation), private, user)
        self.isolation, self.user = self.files.isolation, self.files.user
        self.base, self.impl, self.home = self.files.base, self.files.impl, self.files.home
        self._server: ForkServer | None = None
        self.hidden_cpu_s = 0.0
        """CPU seconds of the sandbox's processes that this process's resource usage does not count (bubblewrap)."""
        try:
            self._server = self._new_server()
        except BaseException:
            self.files.close()
            raise

    def _new_server(self) -> ForkServer:
        if self._server is not None:
            self.hidden_cpu_s += self._server.close()
        return ForkServer(self.isolation, [*python_paths(), *worker_code(), self.impl, self.files.scratch_root], [],
                          self._preload, self._devices, self.limits.space_mb)

    @property
    def isolated(self) -> bool:
        """Whether student code is isolated (namespaces or another user), not merely limited."""
        return self.isolation.mode != NONE

    def budget_left(self) -> float:
        """Returns the seconds left in the whole-run budget."""
        return self.deadline - time.monotonic()

    # -- worker lifecycle

    def _environment(self) -> dict[str, str]:
        tmp = "/tmp" if self.isolation.mode == NAMESPACES else str(self.home / "tmp")  # in memory, or the home's
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(self.home), "TMPDIR": tmp,
               "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "MALLOC_ARENA_MAX": "2",
               "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
               "MPLBACKEND": "Agg", "MPLCONFIGDIR": tmp}
        for key in ("OPENBLAS_CORETYPE", "CUDA_VISIBLE_DEVICES"):
            if key in os.environ:
                env[key] = os.environ[key]
        return env

    def _start(self, limits: Limits) -> Worker:
        """Starts a worker; raises ``Fault`` (after replacing the fork server) when it does not start."""
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
        except SandboxError as exc:
            raise Fault(f"the fork server could not start a worker: {exc}") from None
        finally:
            for fd in (in_r, out_w, err_w):
                os.close(fd)
        worker = Worker(pid, out_r, err_r, in_w)
        os.set_blocking(worker.in_fd, False)
        self._worker, self._worker_limits = worker, limits
        self._checked = time.monotonic()
        try:
            ready = receive(worker, time.monotonic() + min(STARTUP_TIMEOUT_S, max(self.budget_left(), 1.0)),
                            self.output)
            if not (isinstance(ready, dict) and isinstance(ready.get("ready"), int)):
                raise BadReply("unexpected first frame")
        except (CallTimeout, WorkerDied, BadReply) as exc:
            tail = self._tail()
            self._kill()
            self._server = self._new_server()
            raise Fault(f"the sandbox worker did not start: {exc.message or type(exc).__name__}\n{tail}") from None
        self.take_output()
        return worker

    def _too_big(self, worker: Worker) -> bool:
        """Whether the worker's own memory (private pages) grew by more than ``restart_above_mb`` since its first
        call; checked every ``MEMORY_CHECK_EVERY_S``."""
        if not self.limits.restart_above_mb or time.monotonic() - self._checked < MEMORY_CHECK_EVERY_S:
            return False
        self._checked = time.monotonic()
        private = self._own_kb(worker)
        return private is not None and private > (worker.baseline_kb or 0) + self.limits.restart_above_mb * 1024

    def _own_kb(self, worker: Worker) -> int | None:
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

    def _exit_status(self, worker: Worker) -> tuple[int | None, int | None]:
        try:
            return self._server.wait(worker.pid, 5)
        except SandboxError:
            return None, None

    def scratch(self) -> Path:
        """Returns a new empty folder for the files a test hands to the implementation: the grader writes there,
        workers only read (see ``grader.sandbox.workspace``)."""
        return self.files.scratch()

    def workdir(self) -> Path:
        """Returns the path of a new folder for the implementation to write in; the worker makes it when the
        executor is asked to, and the grader never opens anything below it."""
        return self.files.workdir()

    def close(self) -> None:
        """Stops the worker, the fork server and every process of the sandbox; removes the sandbox's folders."""
        try:
            self._kill()
            if self._server is not None:
                self.hidden_cpu_s += self._server.close()
        finally:
            self.files.close()

    def __enter__(self) -> "Sandbox":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- output

    def _drain(self, worker: Worker, timeout: float) -> None:
        self.output.drain(worker, timeout)

    def take_output(self) -> str:
        """Returns what student code printed since the last call of this method (truncated)."""
        if self._worker is not None:
            self._drain(self._worker, 0)
        return self.output.take()

    def _tail(self) -> str:
        return self.take_output()[-2000:]

    # -- calls

    def _run_delay(self, worker: Worker) -> int | None:
        try:
            return self._server.run_delay_ns(worker.pid)
        except SandboxError:
            return None

    def measure(self) -> tuple[int, int]:
        """Returns (the memory the sandbox holds: the worker's private pages, shared memory and in-memory files;
        what its folders hold), in kB; (0, 0) without a worker."""
        if self._worker is None:
            return 0, 0
        space, owner = self.files.space()
        try:
            private, shared, used = self._server.measure(self._worker.pid, space, owner)
        except SandboxError:
            return 0, 0
        in_memory = self.isolation.mode == NAMESPACES  # the folders are in memory there, counted as shared
        return (private or 0) + shared + (used if in_memory else 0), used

    def call(self, name: str, args: list, kwargs: dict, timeout: float | None = None, what: str | None = None,
             key: Any = None, limits: Limits | None = None) -> Any:
        """Runs ``name`` on the arguments in the worker (through the executor) and returns its plain-data result.

        ``what`` names the call in messages (default ``name``). A call that timed
        out is not tried again: later calls with the same ``key`` (default
        ``name``) fail at once. ``limits`` replaces the sandbox's resource limits
        for this call (the worker is replaced when they differ from its own);
        time limits and the budget stay the sandbox's. A fault the machine may
        have caused is tried again (see the module's docstring). Raises the
        student's exception (see ``remote_error``), ``CallTimeout``,
        ``WorkerDied``, ``BadReply``, ``BudgetExhausted`` or ``MachineFault``.
        """
        what = what or name
        key = name if key is None else key
        if key in self.timed_out:
            raise CallTimeout(f"{what} timed out after {self.timed_out[key]:g} s earlier; "
                              "it was not called again")
        limit = timeout if timeout is not None else self.limits.call_timeout_s
        first, tries = len(self.faults), 1 if self._broken else TRIES  # once broken, one try until a call works
        for attempt in range(1, tries + 1):
            if self.budget_left() <= 0:
                raise BudgetExhausted(f"not run: the time budget for grading ({self.limits.budget_s:g} s) was used up")
            try:
                result = self._call_once(name, args, kwargs, limit, what, key, limits or self.limits)
                self._broken = False
                return result
            except Fault as fault:
                self.faults.append(f"{what} (try {attempt} of {tries}): {fault.text}")
                if attempt == tries or self.budget_left() <= RETRY_PAUSE_S:
                    if fault.persistent is not None:
                        raise fault.persistent from None
                    self._broken = True
                    raise MachineFault(f"{what} could not be run because of the machine ({attempt} tries): "
                                       f"{self.faults[first]}") from None
                time.sleep(RETRY_PAUSE_S)
        raise AssertionError("unreachable")

    def _call_once(self, name: str, args: list, kwargs: dict, limit: float, what: str, key: Any,
                   limits: Limits) -> Any:
        if self._worker is not None and (self._too_big(self._worker) or limits != self._worker_limits):
            self._kill()
        worker = self._worker or self._start(limits)
        self._calls += 1
        body = protocol.encode_request(self._calls, name, args, kwargs)
        by_budget = self.budget_left() < limit
        watch = Watch(limit, limits, self._run_delay(worker), self.deadline)
        try:
            deadline = watch.start + min(limit, max(self.budget_left(), 0.0))
            send(worker, protocol.frame(body), deadline, self.output)
            reply = receive(worker, deadline, self.output,
                            lambda due: watch.check(self.measure, lambda: self._run_delay(worker), due))
        except CallTimeout:
            self._kill()
            if watch.starved():
                raise Fault(f"{what} waited {watch.waited_s:.0f} of {time.monotonic() - watch.start:.0f} s for a "
                             "CPU: the machine is too busy") from None
            if by_budget or self.budget_left() <= 0:
                raise BudgetExhausted(f"{what} was stopped: the time budget for grading "
                                      f"({self.limits.budget_s:g} s) ran out") from None
            self.timed_out[key] = limit
            raise CallTimeout(f"{what} timed out after {limit:g} s (is there an infinite loop?)") from None
        except OverLimit as exc:
            self._kill()
            raise WorkerDied(f"the process running your code was stopped during {what}: {exc}") from None
        except WorkerDied:
            status, peak = self._exit_status(worker)
            self._drain(worker, 0)
            self._kill()
            died = WorkerDied(f"the process running your code {describe_death(status, limits, peak)} during {what}")
            if unexplained(status, peak, limits):
                raise Fault(f"the worker was killed from outside during {what} (peak {(peak or 0) // 1024} MB)",
                             died) from None
            raise died from None
        except BadReply as exc:
            self._kill()
            raise Fault(f"malformed reply during {what}: {exc.message}", BadReply(f"{what}: {exc.message}")) from None
        if worker.baseline_kb is None and self.limits.restart_above_mb:
            worker.baseline_kb = self._own_kb(worker) or 0
        try:
            return protocol.outcome(reply, self._calls, what, limits.memory_mb)
        except BadReply:
            self._kill()
            raise
