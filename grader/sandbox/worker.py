"""The worker: the process in which student code runs, one call at a time.

A fresh fork of the fork server becomes a worker (``become_worker``): it takes
the pipes it was given, starts its own session, drops to the sandbox user when
there is one, scrubs its environment, limits itself and then ``serve``s calls.
Each call names a function that the *executor* (a ``module:function``
reference given by the supervisor) resolves and runs; the sandbox itself knows
nothing of what is called.
"""
from __future__ import annotations

import importlib
import io
import json
import os
import signal
import sys
import traceback

from grader.contract import PACKAGES, REPO
from grader.sandbox import protocol
from grader.sandbox.limits import apply_limits
from grader.testkit import plain


def student_traceback(exc: BaseException, impl: str) -> str:
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


class _ExitCalled(SystemExit):
    """Raised instead of ending the worker when student code calls os._exit."""


def _exception_message(exc: BaseException) -> str:
    if isinstance(exc, _ExitCalled):
        return str(exc)
    if isinstance(exc, SystemExit):
        return f"your code called sys.exit({exc.code!r}) (or exit()/quit()); return a value or raise an exception instead"
    if isinstance(exc, SyntaxError):
        return f"{exc.msg} ({exc.filename and os.path.basename(exc.filename)}, line {exc.lineno})"
    return str(exc)


def _guard_exit(worker_pid: int) -> None:
    """Makes ``os._exit`` in the worker raise instead of killing it (forked children still exit)."""
    real_exit = os._exit

    def _exit(status: int) -> None:
        if os.getpid() != worker_pid:
            real_exit(status)
        raise _ExitCalled(f"your code called os._exit({status}); return a value or raise an exception instead")

    os._exit = _exit


def _one_thread() -> None:
    """Keeps torch and the BLAS libraries to one thread in the worker."""
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(1)
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return
    threadpool_limits(1)


def _executor(reference: str):
    module_name, _, name = reference.partition(":")
    return getattr(importlib.import_module(module_name), name)


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
    execute = _executor(settings["executor"])

    _guard_exit(os.getpid())
    apply_limits(settings)
    protocol.write_all(proto_out, protocol.frame(json.dumps({"ready": os.getpid()}).encode()))
    while True:
        header = protocol.read_exact(proto_in, protocol.HEADER.size)
        if header is None:
            return
        body = protocol.read_exact(proto_in, protocol.HEADER.unpack(header)[0])
        if body is None:
            return
        request = plain.decode(body)
        try:
            result = execute(request["name"], protocol.unpack(request["args"]), protocol.unpack(request["kwargs"]))
            reply = plain.encode({"id": request["id"], "ok": result})
        except BaseException as exc:  # everything the student's code can raise is reported, nothing ends the loop
            reply = json.dumps({"id": request["id"], "error": {
                "type": "SystemExit" if isinstance(exc, _ExitCalled) else type(exc).__name__,
                "message": _exception_message(exc)[:4000],
                "where": student_traceback(exc, impl),
            }}).encode()
        finally:
            for stream in (sys.stdout, sys.stderr):
                try:
                    stream.flush()
                except Exception:  # the student may have closed or replaced the stream
                    pass
        protocol.write_all(proto_out, protocol.frame(reply))


def forget_implementations() -> None:
    """Drops any implementation or test module that the forked process inherited."""
    for name in list(sys.modules):
        if name.split(".")[0] in (*PACKAGES, "tests"):
            del sys.modules[name]
    sys.path[:] = [p for p in sys.path if p not in ("", ".") and os.path.realpath(p) != str(REPO)]
    importlib.invalidate_caches()


def become_worker(settings: dict, fds: list[int], real_exit) -> None:
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
