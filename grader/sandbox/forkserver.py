"""The fork server: one process per sandbox, with numpy and torch loaded, that forks every worker.

Workers forked from it start in milliseconds and share its memory. In the
``namespaces`` mode it is a fresh interpreter started inside bubblewrap
(``python -m grader.sandbox FD MODE PRELOAD``), so everything it
forks lives in the sandbox's namespaces; in the other modes it is a fork of the
grader made before any test is imported. The supervisor talks to it over a Unix
socket (``ForkServer``): spawn a worker on the pipes it passes, wait for one,
kill one (and every stray process the submission left), read one's memory.
"""
from __future__ import annotations

import ctypes
import gc
import importlib
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from grader.contract import REPO
from grader.sandbox.errors import SandboxError
from grader.sandbox.host import kill_all, processes_of
from grader.sandbox.isolation import NAMESPACES, USER, Isolation, bwrap_command
from grader.sandbox.worker import become_worker, forget_implementations

ANSWER_TIMEOUT_S = 20.0
PR_SET_CHILD_SUBREAPER = 36


def _reap(pid: int, timeout: float) -> tuple[int | None, int | None]:
    """Returns (exit code of child ``pid`` once it ended, negative: killed by that signal; its largest resident
    size in kB), or (None, None) when it did not end within ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            done, status, usage = os.wait4(pid, os.WNOHANG)
        except ChildProcessError:
            return None, None
        if done:
            return os.waitstatus_to_exitcode(status), int(usage.ru_maxrss)
        if time.monotonic() > deadline:
            return None, None
        time.sleep(0.005)


def _descendants(pid: int) -> list[int]:
    """Returns the processes whose parent is ``pid`` (orphans of a subreaper included)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rpartition(")")[2].split()[1]) == pid:
                found.append(int(entry))
    return found


def _strays(mode: str, uid: int | None):
    """Returns a function listing the processes to kill beside a worker: all of the sandbox's other processes.

    In the ``none`` mode the server becomes a subreaper, so that even a
    process that left its session and its parent is still its descendant.
    """
    me = os.getpid()
    if mode == NAMESPACES:  # this /proc shows the sandbox's PID namespace only; 1 is bubblewrap's init
        return lambda: [int(p) for p in os.listdir("/proc") if p.isdigit() and int(p) not in (1, me)]
    if mode == USER and uid is not None:
        return lambda: processes_of(uid)
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    return lambda: _descendants(me)


def _rollup(pid: int, fields: tuple[str, ...]) -> int | None:
    """Returns the sum of ``fields`` (kB) of /proc/PID/smaps_rollup, or None when the process is gone."""
    try:
        lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
    except OSError:
        return None
    return sum(int(line.split()[1]) for line in lines if line.startswith(fields))


def _private_kb(pid: int) -> int | None:
    return _rollup(pid, ("Private_Clean:", "Private_Dirty:"))


def _run_delay_ns(pid: int) -> int | None:
    """Returns how long process ``pid`` has waited, ready to run, for a CPU (ns; /proc/PID/schedstat)."""
    try:
        return int(Path(f"/proc/{pid}/schedstat").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return None


def _shared_kb(pids: list[int], owner: int | None) -> int:
    """Returns the memory the sandbox's processes hold beyond their private pages (kB): shared memory they map,
    in-memory files (memfd) they hold open, and System V segments nobody maps (``owner``'s only, when given)."""
    total, seen = 0, set()
    for pid in pids:
        total += _rollup(pid, ("Pss_Shmem:",)) or 0
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}").startswith("/memfd:"):
                    info = os.stat(f"/proc/{pid}/fd/{fd}")
                    if (info.st_dev, info.st_ino) not in seen:
                        seen.add((info.st_dev, info.st_ino))
                        total += info.st_blocks // 2
            except OSError:
                continue
    try:
        for line in Path("/proc/sysvipc/shm").read_text().splitlines()[1:]:
            fields = line.split()
            if len(fields) > 6 and fields[6] == "0" and (owner is None or fields[7] == str(owner)):
                total += int(fields[3]) // 1024
    except (OSError, ValueError, IndexError):
        pass
    return total


MAX_SPACE_ENTRIES = 20000


def _space_kb(folder: Path, owner: int | None) -> int:
    """Returns what ``folder`` holds (kB; only ``owner``'s files when given), without following links or entering
    another file system mounted in it; a folder of more than MAX_SPACE_ENTRIES entries counts as full."""
    total, entries, stack = 0, 0, [folder]
    try:
        device = folder.lstat().st_dev
    except OSError:
        return 0
    while stack:
        try:
            with os.scandir(stack.pop()) as listing:
                for entry in listing:
                    entries += 1
                    if entries > MAX_SPACE_ENTRIES:
                        return 1 << 40
                    info = entry.stat(follow_symlinks=False)
                    if owner is None or info.st_uid == owner:
                        total += info.st_blocks // 2
                    if entry.is_dir(follow_symlinks=False) and info.st_dev == device and (
                            owner is None or info.st_uid == owner or info.st_mode & 0o002):
                        stack.append(Path(entry.path))
        except OSError:
            continue
    return total


def _cpu_seconds() -> float:
    """Returns the CPU seconds of this process and of the children it reaped (the workers)."""
    own, reaped = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + reaped.ru_utime + reaped.ru_stime


def _reap_orphans(children: set[int]) -> None:
    """Collects the exit status of every ended child that is not a live worker (orphans a subreaper adopted)."""
    for pid in _descendants(os.getpid()):
        if pid not in children:
            try:
                os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                pass


def serve_forever(sock: socket.socket, mode: str, uid: int | None) -> None:
    """The fork server's loop: answers spawn, wait, kill and memory requests until the socket closes; never returns."""
    real_exit = os._exit
    children: set[int] = set()
    strays = _strays(mode, uid)
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        forget_implementations()
        gc.freeze()
        while True:
            try:
                data, fds, _, _ = socket.recv_fds(sock, 1 << 16, 3)
            except OSError:
                break
            if not data:
                break
            request = json.loads(data)
            op = request["op"]
            if op == "spawn":
                pid = os.fork()
                if pid == 0:
                    sock.close()
                    become_worker(request["settings"], fds, real_exit)
                for fd in fds:
                    os.close(fd)
                children.add(pid)
                reply = {"pid": pid}
            elif op == "memory":
                reply = {"kb": _private_kb(request["pid"])}
            elif op == "delay":
                reply = {"ns": _run_delay_ns(request["pid"])}
            elif op == "measure":
                pids = sorted({*children, *strays()})
                reply = {"private_kb": _private_kb(request["pid"]), "shared_kb": _shared_kb(pids, request["owner"]),
                         "space_kb": sum(_space_kb(Path(f), request["owner"]) for f in request["space"])}
            elif op == "usage":
                reply = {"cpu_s": _cpu_seconds()}
            else:
                if op == "kill":
                    for kill in (os.killpg, os.kill):
                        try:
                            kill(request["pid"], signal.SIGKILL)
                        except OSError:
                            pass
                    kill_all(strays)
                code, peak = _reap(request["pid"], request["timeout"])
                reply = {"code": code, "peak_kb": peak}
                children.discard(request["pid"])
                _reap_orphans(children)
            sock.send(json.dumps(reply).encode())
    finally:
        for pid in children:
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass
        kill_all(strays)
        for pid in children:  # reaped, so that their CPU time counts in the grade's own (resource usage)
            _reap(pid, 1.0)
        real_exit(0)


class ForkServer:
    """The supervisor's end of the fork server of ``isolation``.

    ``readable`` and ``writable`` are the paths the sandbox sees (namespaces
    mode); ``preload`` the modules it imports before forking; ``devices`` the
    device files it may use; ``space_mb`` the size of its in-memory folder
    (``isolation.SPACE``, namespaces mode).
    """

    def __init__(self, isolation: Isolation, readable: list[Path], writable: list[Path], preload: tuple,
                 devices: tuple = (), space_mb: int | None = None) -> None:
        self.isolation = isolation
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        ours.settimeout(ANSWER_TIMEOUT_S)
        uid = isolation.user.pw_uid if isolation.user else None
        self.process: subprocess.Popen | None = None
        if isolation.mode == NAMESPACES:
            command = [sys.executable, "-m", "grader.sandbox", str(theirs.fileno()), NAMESPACES,
                       ",".join(preload)]
            # HOME: the caches that preloaded modules build (matplotlib's fonts) go to the sandbox's private /tmp
            env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "PYTHONPATH": str(REPO), "LANG": "C.UTF-8", "HOME": "/tmp",
                   "MPLBACKEND": "Agg", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
            env.update({k: os.environ[k] for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE") if k in os.environ})
            self.process = subprocess.Popen(bwrap_command(readable, writable, command, devices, space_mb), env=env,
                                            pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL)
            theirs.close()
            self.pid = self.process.pid
        else:
            for module in preload:
                importlib.import_module(module)
            for stream in (sys.stdout, sys.stderr):
                stream.flush()
            pid = os.fork()
            if pid == 0:
                ours.close()
                serve_forever(theirs, isolation.mode, uid if isolation.mode == USER else None)
            theirs.close()
            self.pid = pid
        self.sock = ours

    def _ask(self, request: dict, fds: list[int] = ()) -> dict:
        try:
            socket.send_fds(self.sock, [json.dumps(request).encode()], list(fds))
            data = self.sock.recv(1 << 16)
        except OSError:  # closed, or no answer in time (socket.timeout is an OSError)
            data = b""
        if not data:
            raise SandboxError("the sandbox's fork server stopped answering")
        return json.loads(data)

    def spawn(self, settings: dict, fds: list[int]) -> int:
        """Returns the pid (as the sandbox sees it) of a new worker whose stdin, stdout and stderr are ``fds``."""
        return self._ask({"op": "spawn", "settings": settings}, fds)["pid"]

    def wait(self, pid: int, timeout: float) -> tuple[int | None, int | None]:
        """Returns (worker ``pid``'s exit code once it ended, negative: the signal; its largest resident size in
        kB), or (None, None) after ``timeout`` s."""
        reply = self._ask({"op": "wait", "pid": pid, "timeout": timeout})
        return reply["code"], reply.get("peak_kb")

    def kill(self, pid: int, timeout: float = 5.0) -> int | None:
        """Kills worker ``pid`` and every other process of the sandbox but the server; returns the worker's exit code."""
        return self._ask({"op": "kill", "pid": pid, "timeout": timeout})["code"]

    def private_kb(self, pid: int) -> int | None:
        """Returns the memory of worker ``pid`` that it does not share (kB), or None when it is gone."""
        return self._ask({"op": "memory", "pid": pid})["kb"]

    def run_delay_ns(self, pid: int) -> int | None:
        """Returns how long worker ``pid`` has waited for a CPU while ready to run (ns), or None."""
        return self._ask({"op": "delay", "pid": pid})["ns"]

    def measure(self, pid: int, space: list[str], owner: int | None) -> tuple[int | None, int, int]:
        """Returns (worker ``pid``'s private memory, the shared memory and in-memory files of the sandbox, what the
        folders ``space`` hold: only ``owner``'s files when given), in kB."""
        reply = self._ask({"op": "measure", "pid": pid, "space": space, "owner": owner})
        return reply["private_kb"], reply["shared_kb"], reply["space_kb"]

    def close(self) -> float:
        """Stops the server and, with it, every process of the sandbox.

        Returns the CPU seconds the server and its workers used when they ran
        inside bubblewrap, whose processes never count in this process's
        resource usage (0.0 otherwise: they count there, once reaped).
        """
        cpu_s = 0.0
        if self.process is not None:
            try:
                cpu_s = float(self._ask({"op": "usage"})["cpu_s"])
            except (SandboxError, KeyError, TypeError, ValueError):
                pass
        self.sock.close()
        if self.process is not None:
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()  # bubblewrap's init then dies with it, and the PID namespace with them
                self.process.wait()
            return cpu_s
        if _reap(self.pid, 5)[0] is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except OSError:
                pass
            _reap(self.pid, 5)
        return cpu_s


def main(argv: list[str]) -> None:
    """Entry point inside bubblewrap: ``FD MODE PRELOAD`` (PRELOAD: module names separated by commas)."""
    fd, mode, preload = int(argv[0]), argv[1], argv[2]
    for module in filter(None, preload.split(",")):
        importlib.import_module(module)
    serve_forever(socket.socket(fileno=fd), mode, None)

