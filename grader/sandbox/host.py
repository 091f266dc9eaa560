"""What grades running beside each other on one host coordinate, so that no grade touches another.

- **A sandbox user per grade** (the grader is root): a grade claims a slot,
  ``grader-sandbox``, ``grader-sandbox-1``, ... (created as system users when
  missing), by holding an exclusive lock on the slot's file for as long as it
  runs. Every process of that user is the grade's own: killing them all, or a
  per-user limit such as RLIMIT_NPROC, concerns this grade alone. A slot left
  by a grade that died is taken over, and its leftover processes killed.
- **Paths closed to other users, counted**: the user mode closes the
  repository's private parts (and the folder of the submission) with
  ``chmod o-rwx``; each path is reopened, to the mode it had, only when the last
  grade that needed it closed has ended (or died).

The state lives in a folder only root can enter (``STATE_DIR``); the locks
are ``flock`` locks, which the kernel releases when their holder dies.
"""
from __future__ import annotations

import fcntl
import json
import os
import pwd
import secrets
import signal
import stat
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from grader.sandbox.errors import SandboxError

DEFAULT_USER = "grader-sandbox"
MAX_SLOTS = 64
STATE_DIR = Path(os.environ.get("GRADER_STATE_DIR", "/run/grader-sandbox"))


def state_dir() -> Path:
    """Returns the folder of the host's grading state: root's own (mode 0700, no link), created when missing."""
    for folder in (STATE_DIR, Path(tempfile.gettempdir()) / f"grader-sandbox-state-{os.geteuid()}"):
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            info = folder.lstat()
        except OSError:
            continue
        if stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid() and not info.st_mode & 0o077:
            return folder
    raise SandboxError(f"no private folder for the sandbox's state ({STATE_DIR} cannot be made 0700 by this user)")


def _open_lock(path: Path) -> int:
    return os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)


@contextmanager
def _locked(name: str):
    """Holds the host-wide lock ``name`` (blocking) while the block runs."""
    fd = _open_lock(state_dir() / f"{name}.lock")
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


# ---- users ----------------------------------------------------------------------------------------------------------

def ensure_user(name: str) -> pwd.struct_passwd:
    """Returns the unprivileged system user ``name``, creating it when missing (root only)."""
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


def processes_of(uid: int) -> list[int]:
    """Returns the pids of the processes that user ``uid`` runs now (as this process's /proc shows them)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def kill_all(pids_now, rounds: int = 50) -> None:
    """Sends SIGKILL to every pid that ``pids_now()`` returns, again and again until it returns none."""
    for _ in range(rounds):
        pids = pids_now()
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.01)


class UserSlot:
    """The sandbox user of one grade: ``base`` for slot 0, ``base-K`` for slot K, held until ``release``."""

    def __init__(self, base: str = DEFAULT_USER):
        folder = state_dir()
        for slot in range(MAX_SLOTS):
            name = base if slot == 0 else f"{base}-{slot}"
            fd = _open_lock(folder / f"user-{name}.lock")
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                continue
            self.fd, self.user = fd, ensure_user(name)
            kill_all(lambda: processes_of(self.user.pw_uid))  # what a grade that died left behind
            return
        raise SandboxError(f"all {MAX_SLOTS} sandbox users ({base}, {base}-1, ...) are taken by grades running now")

    def release(self) -> None:
        """Kills every process of the user, then lets another grade take the slot."""
        if self.fd is None:
            return
        kill_all(lambda: processes_of(self.user.pw_uid))
        os.close(self.fd)
        self.fd = None


# ---- paths closed to other users --------------------------------------------------------------------------------------

def _start_time(pid: int) -> str | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[19]
    except (OSError, IndexError):
        return None


def _holder() -> str:
    """Returns a new holder's name: this process (its pid and start time, to tell whether it lives) and a token."""
    return f"{os.getpid()}:{_start_time(os.getpid())}:{secrets.token_hex(4)}"


def _alive(holder: str) -> bool:
    pid, started, _ = (holder.split(":") + ["", ""])[:3]
    return pid.isdigit() and _start_time(int(pid)) == started


def shared_folder(path: Path) -> bool:
    """Whether ``path`` is a folder every user writes in (/tmp and the like): never closed."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return stat.S_ISDIR(mode) and bool(mode & (stat.S_ISVTX | stat.S_IWOTH))


class ClosedPaths:
    """Closes paths to other users for as long as any grade that asked is alive (see the module's docstring)."""

    REGISTRY = "closed.json"

    def __init__(self, paths) -> None:
        self.paths = [str(Path(p)) for p in paths if not shared_folder(Path(p))]
        self.me = _holder()
        with _locked("closed"):
            registry = self._read()
            for path in self.paths:
                entry = registry.setdefault(path, {"mode": None, "holders": []})
                entry["holders"] = [h for h in entry["holders"] if _alive(h)] + [self.me]
                try:
                    info = os.lstat(path)
                except FileNotFoundError:
                    continue
                if stat.S_ISLNK(info.st_mode):
                    continue
                if entry["mode"] is None:
                    entry["mode"] = stat.S_IMODE(info.st_mode)
                os.chmod(path, stat.S_IMODE(info.st_mode) & ~0o007)
            self._write(registry)

    def _read(self) -> dict:
        try:
            data = json.loads((state_dir() / self.REGISTRY).read_text())
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _write(self, registry: dict) -> None:
        fd, tmp = tempfile.mkstemp(dir=state_dir(), prefix=".closed-")
        with os.fdopen(fd, "w") as f:
            json.dump({k: v for k, v in registry.items() if v["holders"]}, f)
        os.replace(tmp, state_dir() / self.REGISTRY)

    def release(self) -> None:
        """Reopens each path that no live grade holds any more, to the mode it had before the first one closed it."""
        if not self.paths:
            return
        with _locked("closed"):
            registry = self._read()
            for path in self.paths:
                entry = registry.get(path)
                if entry is None:
                    continue
                entry["holders"] = [h for h in entry["holders"] if h != self.me and _alive(h)]
                if not entry["holders"] and entry["mode"] is not None:
                    try:
                        if not os.path.islink(path):
                            os.chmod(path, entry["mode"])
                    except OSError:
                        pass
            self._write(registry)
        self.paths = []
