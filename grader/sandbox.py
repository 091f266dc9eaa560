"""The sandbox: student code runs in a worker process, and only plain data comes back.

The *supervisor* (``Sandbox``, in the grader's process) keeps one worker at a
time and sends it probe calls; the *worker* (``serve``, in its own process)
runs each probe against the implementation under test and replies. Workers
are forked by a *fork server*, a copy of the grader's process made when the
sandbox is created (so before any test module is imported, and after numpy
and torch are): a worker starts in milliseconds and shares those libraries'
memory with the grader instead of loading them again.

- Protocol: length-prefixed JSON frames (``grader.plain``: JSON and ``.npy``,
  never pickle) on the worker's stdin and stdout. The worker moves the pipes
  to private descriptors first and points its own stdout and stderr at a pipe
  that the supervisor drains and truncates, so prints cannot corrupt a frame.
- Isolation: when the grader runs as root, the worker runs as an unprivileged
  system user (created when missing) that can read only the copy of the
  submission made for it and the grader's code, and write only its own home; the
  folders named ``private`` (tests, configs, solutions, results) lose every
  permission for other users. The environment is scrubbed, and the worker
  limits itself with ``resource`` before any student code runs: address space,
  CPU time, processes, file size, no core files.
- Time: every call has a limit; a call that overruns kills the worker, which is
  replaced on the next call, and the same call is not tried again. A whole-run
  budget stops every call once it is spent.
- Memory: a worker whose own memory (not shared with the fork server) grew past
  ``restart_above_mb`` (modules that student code imported, data it kept) is
  replaced between two calls, so that the grader and its worker stay small.
"""
from __future__ import annotations

import builtins
import gc
import importlib
import io
import json
import os
import pwd
import resource
import select
import shutil
import signal
import socket
import stat
import struct
import subprocess
import sys
import sysconfig
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader import plain

GRADER = Path(__file__).resolve().parent
REPO = GRADER.parent
PRIVATE = ("tests", "configs", "solutions")
PACKAGES = ("layers", "models", "optimizers", "utils")
DEFAULT_USER = "grader-sandbox"
HEADER = struct.Struct(">I")
MAX_FRAME = 64 << 20
TUPLE_KEY = "__tuple__"
STARTUP_TIMEOUT_S = 60.0
MEMORY_CHECK_EVERY_S = 1.0
_MB = 1 << 20


@dataclass
class Limits:
    """What one worker may use; every time is in seconds, every size in MB."""

    call_timeout_s: float = 20.0
    budget_s: float = 540.0
    memory_mb: int | None = 1536
    cpu_s: int = 600
    processes: int = 32
    file_size_mb: int = 64
    output_kb: int = 64
    restart_above_mb: int | None = 120


class SandboxError(RuntimeError):
    """The sandbox itself cannot work (no worker starts); not the student's fault."""


class StudentCodeError(Exception):
    """A failure of the implementation under test, reported by or about the worker.

    ``message`` is what went wrong, ``type_name`` the exception class raised in
    the worker, and ``where`` the traceback limited to the student's files.
    """

    def __init__(self, message: str, type_name: str = "", where: str = ""):
        super().__init__(message)
        self.message = message
        self.type_name = type_name or type(self).__name__
        self.where = where

    def __str__(self) -> str:
        generic = type(self) is StudentCodeError and self.type_name != "StudentCodeError"
        return (f"{self.type_name}: " if generic else "") + self.message + (f"\n{self.where}" if self.where else "")


class CallTimeout(StudentCodeError):
    """A call ran past its time limit (the worker was killed)."""


class WorkerDied(StudentCodeError):
    """The worker exited or was killed during a call."""


class BudgetExhausted(StudentCodeError):
    """The whole run's time budget was spent before this call."""


class BadReply(StudentCodeError):
    """The worker's reply was not a well-formed frame of plain data."""


_NOT_MIRRORED = (StopIteration, StopAsyncIteration)
_mirrors: dict[str, type] = {}


def remote_error(type_name: str, message: str, where: str = "") -> StudentCodeError:
    """Returns the exception to raise for ``type_name: message`` raised in the worker.

    A built-in exception class stays recognizable: a ``ValueError`` raised by
    student code is raised here as a subclass of both ``ValueError`` and
    ``StudentCodeError``, so ``pytest.raises(ValueError)`` works in both modes.
    """
    base = getattr(builtins, type_name, None)
    if isinstance(base, type) and issubclass(base, Exception) and not issubclass(base, _NOT_MIRRORED):
        cls = _mirrors.get(type_name)
        if cls is None:
            try:
                cls = type(type_name, (StudentCodeError, base), {"__module__": "builtins"})
            except TypeError:
                cls = StudentCodeError
            _mirrors[type_name] = cls
        try:
            return cls(message, type_name, where)
        except TypeError:
            pass
    return StudentCodeError(message, type_name, where)


# ---------------------------------------------------------------- wire format

def _pack(value: Any) -> Any:
    """Marks tuples so that they arrive as tuples (plain data would turn them into lists)."""
    if isinstance(value, tuple):
        return {TUPLE_KEY: [_pack(v) for v in value]}
    if isinstance(value, list):
        return [_pack(v) for v in value]
    if isinstance(value, dict):
        return {k: _pack(v) for k, v in value.items()}
    return value


def _unpack(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {TUPLE_KEY}:
            return tuple(_unpack(v) for v in value[TUPLE_KEY])
        return {k: _unpack(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unpack(v) for v in value]
    return value


def encode_request(call_id: int, name: str, args: list, kwargs: dict) -> bytes:
    """Returns the frame body of one probe call."""
    return plain.encode({"id": call_id, "probe": name, "args": _pack(list(args)), "kwargs": _pack(dict(kwargs))})


def _frame(body: bytes) -> bytes:
    return HEADER.pack(len(body)) + body


# ---------------------------------------------------------------- worker side

def _read_exact(fd: int, n: int) -> bytes | None:
    chunks, left = [], n
    while left:
        chunk = os.read(fd, left)
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _student_traceback(exc: BaseException, impl: str) -> str:
    """Returns the frames of ``exc``'s traceback that are in the student's files, innermost last."""
    lines = []
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.startswith(impl + os.sep):
            rel = "student/" + os.path.relpath(frame.filename, impl)
            lines.append(f"  File {rel}, line {frame.lineno}, in {frame.name}")
            if frame.line:
                lines.append(f"    {frame.line.strip()}")
    if isinstance(exc, SyntaxError) and exc.filename and exc.filename.startswith(impl + os.sep):
        rel = "student/" + os.path.relpath(exc.filename, impl)
        lines.append(f"  File {rel}, line {exc.lineno}")
        if exc.text:
            lines.append(f"    {exc.text.strip()}")
    lines = lines[-12:]
    return "Traceback (your code, most recent call last):\n" + "\n".join(lines) if lines else ""


def _exception_message(exc: BaseException) -> str:
    if isinstance(exc, _ExitCalled):
        return str(exc)
    if isinstance(exc, SystemExit):
        return f"your code called sys.exit({exc.code!r}) (or exit()/quit()); return a value or raise an exception instead"
    if isinstance(exc, SyntaxError):
        return f"{exc.msg} ({exc.filename and os.path.basename(exc.filename)}, line {exc.lineno})"
    return str(exc)


class _ExitCalled(SystemExit):
    """Raised instead of ending the worker when student code calls os._exit."""


def _guard_exit(worker_pid: int) -> None:
    """Makes ``os._exit`` in the worker raise instead of killing it (forked children still exit)."""
    real_exit = os._exit

    def _exit(status: int) -> None:
        if os.getpid() != worker_pid:
            real_exit(status)
        raise _ExitCalled(f"your code called os._exit({status}); return a value or raise an exception instead")

    os._exit = _exit


def _apply_limits(settings: dict) -> None:
    """Applies the worker's resource limits to this process (before any student code runs)."""
    soft_hard = {
        resource.RLIMIT_CPU: (settings["cpu_s"], settings["cpu_s"] + 5),
        resource.RLIMIT_FSIZE: (settings["file_size_mb"] * _MB,) * 2,
        resource.RLIMIT_CORE: (0, 0),
    }
    if settings.get("nproc") is not None:
        soft_hard[resource.RLIMIT_NPROC] = (settings["nproc"],) * 2
    if settings.get("memory_mb"):
        soft_hard[resource.RLIMIT_AS] = (settings["memory_mb"] * _MB,) * 2
    for which, (soft, hard) in soft_hard.items():
        old_soft, old_hard = resource.getrlimit(which)
        hard = hard if old_hard == resource.RLIM_INFINITY else min(hard, old_hard)
        resource.setrlimit(which, (min(soft, hard), hard))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def _one_thread() -> None:
    """Keeps torch and the BLAS libraries to one thread in the worker."""
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(1)
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return
    threadpool_limits(1)


def serve(settings: dict) -> None:
    """The worker's main loop: reads calls from stdin, runs them, writes replies to stdout.

    Before any call, the protocol moves to private descriptors, stdin becomes
    /dev/null and stdout joins stderr (the capture pipe), and the limits apply.
    """
    impl = settings["impl"]
    proto_in, proto_out = os.dup(0), os.dup(1)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(2, 1)
    os.close(null)
    sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False))
    sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), errors="backslashreplace")
    sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), errors="backslashreplace")
    _one_thread()
    from grader.harness import execute

    _guard_exit(os.getpid())
    _apply_limits(settings)
    _write_all(proto_out, _frame(json.dumps({"ready": os.getpid()}).encode()))
    while True:
        header = _read_exact(proto_in, HEADER.size)
        if header is None:
            return
        body = _read_exact(proto_in, HEADER.unpack(header)[0])
        if body is None:
            return
        request = plain.decode(body)
        try:
            result = execute(request["probe"], _unpack(request["args"]), _unpack(request["kwargs"]))
            reply = plain.encode({"id": request["id"], "ok": result})
        except BaseException as exc:  # everything the student's code can raise is reported, nothing ends the loop
            reply = json.dumps({"id": request["id"], "error": {
                "type": "SystemExit" if isinstance(exc, _ExitCalled) else type(exc).__name__,
                "message": _exception_message(exc)[:4000],
                "where": _student_traceback(exc, impl),
            }}).encode()
        finally:
            for stream in (sys.stdout, sys.stderr):
                try:
                    stream.flush()
                except Exception:  # the student may have closed or replaced the stream
                    pass
        _write_all(proto_out, _frame(reply))


def _forget_implementations() -> None:
    """Drops any implementation or test module that the forked process inherited."""
    for name in list(sys.modules):
        if name.split(".")[0] in (*PACKAGES, "tests"):
            del sys.modules[name]
    sys.path[:] = [p for p in sys.path if p not in ("", ".") and os.path.realpath(p) != str(REPO)]
    importlib.invalidate_caches()


def _become_worker(settings: dict, fds: list[int], real_exit) -> None:
    """Turns a fresh fork of the fork server into a worker: pipes, session, user, environment; never returns."""
    try:
        os.setsid()
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
        for name in os.listdir("/proc/self/fd"):
            if int(name) > 2:
                try:
                    os.close(int(name))
                except OSError:
                    pass
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.chdir(settings["home"])
        os.umask(0o077)
        os.environ.clear()
        os.environ.update(settings["env"])
        if settings["uid"] is not None:
            os.setgroups([])
            os.setgid(settings["gid"])
            os.setuid(settings["uid"])
        sys.path.insert(0, settings["impl"])
        serve(settings)
    except BaseException:
        traceback.print_exc()
        os.write(2, b"the sandbox worker could not start\n")
    finally:
        real_exit(0)


def _reap(pid: int, timeout: float) -> int | None:
    """Returns the exit code of child ``pid`` once it ended (negative: killed by that signal), or None."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            done, status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return None
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() > deadline:
            return None
        time.sleep(0.005)


def _fork_server(sock: socket.socket) -> None:
    """The fork server's loop (in its own process): forks a worker per request, reports exit codes; never returns."""
    real_exit = os._exit
    children: set[int] = set()
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        _forget_implementations()
        gc.freeze()
        while True:
            try:
                data, fds, _, _ = socket.recv_fds(sock, 1 << 16, 3)
            except OSError:
                break
            if not data:
                break
            request = json.loads(data)
            if request["op"] == "spawn":
                pid = os.fork()
                if pid == 0:
                    sock.close()
                    _become_worker(request["settings"], fds, real_exit)
                for fd in fds:
                    os.close(fd)
                children.add(pid)
                reply = {"pid": pid}
            else:
                reply = {"code": _reap(request["pid"], request["timeout"])}
                children.discard(request["pid"])
            sock.send(json.dumps(reply).encode())
    finally:
        for pid in children:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        real_exit(0)


class _ForkServer:
    """The supervisor's end of the fork server: a process forked from this one that forks workers."""

    def __init__(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        pid = os.fork()
        if pid == 0:
            ours.close()
            _fork_server(theirs)
        theirs.close()
        self.pid, self.sock = pid, ours

    def _ask(self, request: dict, fds: list[int] = ()) -> dict:
        try:
            socket.send_fds(self.sock, [json.dumps(request).encode()], list(fds))
            data = self.sock.recv(1 << 16)
        except OSError:
            data = b""
        if not data:
            raise SandboxError("the sandbox's fork server stopped")
        return json.loads(data)

    def spawn(self, settings: dict, fds: list[int]) -> int:
        """Returns the pid of a new worker whose stdin, stdout and stderr are ``fds``."""
        return self._ask({"op": "spawn", "settings": settings}, fds)["pid"]

    def wait(self, pid: int, timeout: float) -> int | None:
        """Returns worker ``pid``'s exit code once it ended (negative: the signal), or None after ``timeout`` s."""
        return self._ask({"op": "wait", "pid": pid, "timeout": timeout})["code"]

    def close(self) -> None:
        self.sock.close()
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass


# ---------------------------------------------------------------- supervisor side

def sandbox_user(name: str = DEFAULT_USER) -> pwd.struct_passwd:
    """Returns the unprivileged user that runs workers, creating it as a system user if missing (root only)."""
    try:
        return pwd.getpwnam(name)
    except KeyError:
        pass
    subprocess.run(["useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent",
                    "--shell", "/usr/sbin/nologin", name], capture_output=True, text=True)
    try:
        return pwd.getpwnam(name)
    except KeyError:
        raise SandboxError(f"cannot create the sandbox user {name!r} (useradd failed); create it with "
                           f"`useradd --system {name}`") from None


def private_paths(*extra: Path) -> list[Path]:
    """Returns what a worker must not read: the repository's tests, configs and solutions, and ``extra``."""
    return [REPO / name for name in PRIVATE] + [Path(p) for p in extra]


def unreachable_for_others(paths: list[Path]) -> Path | None:
    """Returns the first directory on the way to ``paths`` that other users cannot enter, or None."""
    for path in paths:
        path = Path(os.path.realpath(path))
        for directory in [*reversed(path.parents), path] if path.is_dir() else reversed(path.parents):
            if not directory.stat().st_mode & stat.S_IXOTH:
                return directory
    return None


def make_private(path: Path) -> None:
    """Removes every permission of other users from ``path`` (a file or folder), if it exists."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return
    if mode & 0o007:
        path.chmod(stat.S_IMODE(mode) & ~0o007)


def threads_of(uid: int) -> int:
    """Returns how many threads (what RLIMIT_NPROC counts) the user ``uid`` runs now."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = dict(line.split(":", 1) for line in (entry / "status").read_text().splitlines() if ":" in line)
        except OSError:
            continue
        if int(fields.get("Uid", "-1").split()[0]) == uid:
            total += int(fields.get("Threads", "1"))
    return total


def copy_implementation(root: Path, dest: Path) -> None:
    """Copies the course packages of implementation ``root`` to ``dest`` (regular files only)."""
    dest.mkdir(parents=True)
    for pkg in PACKAGES:
        if (root / pkg).is_dir() and not (root / pkg).is_symlink():
            shutil.copytree(root / pkg, dest / pkg, symlinks=True,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


def _open_up(tree: Path) -> None:
    """Lets other users read ``tree``: folders 755, files 644."""
    for dirpath, dirnames, filenames in os.walk(tree):
        os.chmod(dirpath, 0o755)
        for name in filenames:
            p = os.path.join(dirpath, name)
            if not os.path.islink(p):
                os.chmod(p, 0o644)


def _describe_death(returncode: int | None, limits: Limits) -> str:
    if returncode is None:
        return "stopped answering"
    if returncode < 0:
        sig = -returncode
        if sig == signal.SIGXCPU:
            return f"was stopped after using its CPU time limit ({limits.cpu_s} s)"
        if sig == signal.SIGKILL:
            return "was killed (most likely for using too much memory)"
        if sig == signal.SIGSEGV:
            return "crashed (segmentation fault)"
        name = signal.Signals(sig).name if sig in signal.valid_signals() else str(sig)
        return f"was killed by signal {name}"
    return f"exited with status {returncode}"


@dataclass
class _Worker:
    pid: int
    out_fd: int
    err_fd: int
    in_fd: int
    buffer: bytearray = field(default_factory=bytearray)
    err_open: bool = True


class Sandbox:
    """Supervises workers that run probes against a copy of the implementation rooted at ``root``.

    ``private`` lists paths that the worker must not read (made private when
    the worker runs as another user). ``deadline`` (``time.monotonic()``
    seconds) shares one budget between sandboxes; it defaults to now plus
    ``limits.budget_s``. ``preload`` modules are imported here first, so that
    workers share them.

    Create it before anything secret is imported or computed in this process
    (test modules, expected values, labels): workers are forked from a copy of
    this process as it is at construction.
    """

    def __init__(self, root: Path, limits: Limits | None = None, private: list[Path] | tuple = (),
                 user: str = DEFAULT_USER, deadline: float | None = None, preload: tuple = ("numpy", "torch")):
        self.root = Path(root)
        self.limits = limits or Limits()
        self.deadline = deadline if deadline is not None else time.monotonic() + self.limits.budget_s
        self.warnings: list[str] = []
        self.timed_out: dict[tuple, float] = {}
        self._worker: _Worker | None = None
        self._checked = 0.0
        self._calls = 0
        self._failed_starts = 0
        self._scratch = 0
        self._output = bytearray()
        self._dropped = 0
        self.base = Path(tempfile.mkdtemp(prefix="grader-sandbox-"))
        self.impl = self.base / "impl"
        self.home = self.base / "home"
        copy_implementation(self.root, self.impl)
        _open_up(self.impl)
        self.home.mkdir(mode=0o700)
        (self.home / "tmp").mkdir(mode=0o700)
        self.user = self._choose_user(user)
        if self.user is not None:
            for p in (self.home, self.home / "tmp"):
                os.chown(p, self.user.pw_uid, self.user.pw_gid)
            for p in private:
                make_private(Path(p))
        os.chmod(self.base, 0o711)
        for module in preload:
            importlib.import_module(module)
        self._server = _ForkServer()

    def _choose_user(self, name: str) -> pwd.struct_passwd | None:
        """Returns the user that runs workers, or None to run them as this process's user."""
        if os.geteuid() != 0:
            return None
        user = sandbox_user(name)
        blocked = unreachable_for_others([Path(sys.executable), Path(sysconfig.get_paths()["stdlib"]),
                                          *[Path(p) for p in sys.path if "site-packages" in p]])
        if blocked is not None:
            self.warnings.append(
                f"sandbox: the worker runs as root, not as {name!r}: other users cannot enter {blocked} on the way "
                f"to Python and its packages, so student code could read the tests. Make it traversable "
                f"(chmod o+x {blocked}) or install Python where every user can read it.")
            return None
        return user

    @property
    def isolated(self) -> bool:
        """Whether workers run as the unprivileged sandbox user."""
        return self.user is not None

    def budget_left(self) -> float:
        """Returns the seconds left in the whole-run budget."""
        return self.deadline - time.monotonic()

    # -- worker lifecycle

    def _environment(self) -> dict[str, str]:
        env = {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": str(self.home),
            "TMPDIR": str(self.home / "tmp"),
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
            "OPENBLAS_NUM_THREADS": "1",
            "MALLOC_ARENA_MAX": "2",
            "MPLBACKEND": "Agg",
            "MPLCONFIGDIR": str(self.home / "tmp"),
        }
        for key in ("OPENBLAS_CORETYPE", "CUDA_VISIBLE_DEVICES"):
            if key in os.environ:
                env[key] = os.environ[key]
        return env

    def _start(self) -> _Worker:
        if self._failed_starts >= 2:
            raise SandboxError("the sandbox could not start a worker (see the first error)")
        uid = self.user.pw_uid if self.user else None
        settings = {
            "impl": str(self.impl),
            "home": str(self.home),
            "env": self._environment(),
            "uid": uid,
            "gid": self.user.pw_gid if self.user else None,
            "cpu_s": self.limits.cpu_s,
            "file_size_mb": self.limits.file_size_mb,
            "memory_mb": self.limits.memory_mb,
            "nproc": threads_of(uid) + self.limits.processes if self.user else None,
        }
        (in_r, in_w), (out_r, out_w), (err_r, err_w) = os.pipe(), os.pipe(), os.pipe()
        try:
            pid = self._server.spawn(settings, [in_r, out_w, err_w])
        finally:
            for fd in (in_r, out_w, err_w):
                os.close(fd)
        worker = _Worker(pid, out_r, err_r, in_w)
        os.set_blocking(worker.in_fd, False)
        self._worker = worker
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
        """Whether the worker's own memory (private pages) is above ``restart_above_mb``; checked once a second."""
        if not self.limits.restart_above_mb or time.monotonic() - self._checked < MEMORY_CHECK_EVERY_S:
            return False
        self._checked = time.monotonic()
        try:
            lines = Path(f"/proc/{worker.pid}/smaps_rollup").read_text().splitlines()
        except OSError:
            return False
        private = sum(int(line.split()[1]) for line in lines if line.startswith(("Private_Clean:", "Private_Dirty:")))
        return private > self.limits.restart_above_mb * 1024

    def _kill(self) -> int | None:
        """Stops the current worker and its processes; returns its exit code when known."""
        worker, self._worker = self._worker, None
        if worker is None:
            return None
        for kill in (os.killpg, os.kill):
            try:
                kill(worker.pid, signal.SIGKILL)
            except OSError:
                pass
        self._drain(worker, 0)
        for fd in (worker.in_fd, worker.out_fd, worker.err_fd):
            try:
                os.close(fd)
            except OSError:
                pass
        return self._server.wait(worker.pid, 5)

    def _exit_status(self, worker: _Worker) -> int | None:
        return self._server.wait(worker.pid, 5)

    def scratch(self) -> Path:
        """Returns a new empty folder that the worker owns (reads and writes), for files a test exchanges with it."""
        self._scratch += 1
        folder = self.base / "scratch" / str(self._scratch)
        folder.mkdir(parents=True, mode=0o700)
        os.chmod(folder.parent, 0o711)
        if self.user is not None:
            os.chown(folder, self.user.pw_uid, self.user.pw_gid)
        return folder

    def close(self) -> None:
        """Stops the worker and the fork server, and removes the sandbox's folder."""
        self._kill()
        self._server.close()
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
            if len(buf) >= HEADER.size:
                size = HEADER.unpack(buf[:HEADER.size])[0]
                if size > MAX_FRAME:
                    raise BadReply(f"the reply is larger than {MAX_FRAME // _MB} MB")
                if len(buf) >= HEADER.size + size:
                    body = bytes(buf[HEADER.size:HEADER.size + size])
                    del buf[:HEADER.size + size]
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

    def call(self, name: str, args: list, kwargs: dict, timeout: float | None = None) -> Any:
        """Runs probe ``name`` in the worker and returns its plain-data result.

        Raises the student's exception (see ``remote_error``), ``CallTimeout``,
        ``WorkerDied``, ``BadReply`` or ``BudgetExhausted``.
        """
        what = describe_call(name, args)
        key = (name, *[a for a in args[:2] if isinstance(a, str)])
        if key in self.timed_out:
            raise CallTimeout(f"{what} timed out after {self.timed_out[key]:g} s earlier in this run; "
                              "it was not called again")
        limit = timeout if timeout is not None else self.limits.call_timeout_s
        if self.budget_left() <= 0:
            raise BudgetExhausted(f"not run: the time budget for grading ({self.limits.budget_s:g} s) was used up")
        if self._worker is not None and self._too_big(self._worker):
            self._kill()
        worker = self._worker or self._start()
        self._calls += 1
        body = encode_request(self._calls, name, args, kwargs)
        by_budget = self.budget_left() < limit
        deadline = time.monotonic() + min(limit, max(self.budget_left(), 0.0))
        try:
            self._send(worker, _frame(body), deadline)
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
            raise WorkerDied(f"the process running your code {_describe_death(status, self.limits)} "
                             f"during {what}") from None
        except BadReply as exc:
            self._kill()
            raise BadReply(f"{what}: {exc.message}") from None
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
        if self.limits.memory_mb and (type_name == "MemoryError" or "can't allocate memory" in message):
            message += f" (your code may use at most {self.limits.memory_mb} MB of memory)"
        if type_name == "SystemExit":
            raise StudentCodeError(message, type_name, error["where"][:4000])
        raise remote_error(type_name, message, error["where"][:4000])


def describe_call(name: str, args: list) -> str:
    """Returns a short name of a probe call for messages: the target, or the probe and its leading names."""
    strings = [a for a in args[:2] if isinstance(a, str)]
    if name == "grader.probes.generic:call" and strings:
        return strings[0]
    probe = name.rpartition(":")[2]
    return f"{probe}({', '.join(strings)})" if strings else probe
