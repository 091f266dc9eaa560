"""Isolation: what student code can see and reach, in one of three modes, chosen once per sandbox.

- ``namespaces``: the fork server and its workers run inside bubblewrap, in
  their own PID, mount, network, IPC and UTS namespaces (and a user namespace
  when the grader is not root). They see the Python installation and the parts
  of the grader that run probes read-only, their own copy of the submission and
  the scratch folders the tests fill (read-only), size-limited in-memory
  folders holding their home, /tmp and /dev/shm (``SPACE``), and nothing else:
  no tests, configs, solutions, .git, results, other submissions or home
  folders; no network. When the grader is root, workers also drop to the
  grade's own unprivileged user (``grader.sandbox.host``). Every process dies
  with the namespace.
- ``user``: where namespaces are refused, as root: workers run as the grade's
  own sandbox user; every path it must not read loses its permissions for
  other users while any grade needs it closed, and every process of that user
  is killed when a worker is replaced and when the sandbox closes. What stays
  visible is listed in ``USER_MODE_VISIBLE``.
- ``none``: only when asked for (trusted code): workers run as the grader's
  own user, with resource limits only.

``auto`` takes the first mode of ``namespaces`` and ``user`` that works here,
and refuses (``SandboxError``, saying what to install) when neither does.
"""
from __future__ import annotations

import functools
import os
import pwd
import shutil
import stat
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

from grader.contract import PACKAGES, REPO
from grader.sandbox.errors import SandboxError
from grader.sandbox.host import processes_of, shared_folder

NAMESPACES, USER, NONE = "namespaces", "user", "none"
MODES = ("auto", NAMESPACES, USER, NONE)
WORKER_CODE = ("testkit", "training", "sandbox")
"""The folders of grader/ a worker runs (beside its top-level modules); grading/ and authoring/ stay out of reach."""
SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc")
SPACE = ("/tmp", "/dev/shm")
HOME = "/tmp/home"
"""In the namespaces mode: the in-memory folders, of the rubric's ``space_mb`` at most each (and in all, measured),
that hold the worker's home (``/tmp/home``), its temporary files and its shared memory."""
USER_MODE_VISIBLE = ("other processes' command lines (not their environments or files)",
                     "world-readable files outside the repository and the submission's folder", "the network")
"""What student code can still see in the user mode, where no namespace hides it."""
INSTALL_HINT = ("install bubblewrap (Debian and Ubuntu: apt-get install bubblewrap) on a kernel that allows "
                "namespaces, or grade as root with a Python installation every user can read")


@dataclass(frozen=True)
class Isolation:
    """The mode a sandbox runs in, and the user its workers drop to (root only: one per grade, see
    ``grader.sandbox.host.UserSlot``)."""

    mode: str
    user: pwd.struct_passwd | None = None

    @property
    def drops_privileges(self) -> bool:
        """Whether workers run as a user of their own (the grader is root and isolates)."""
        return self.mode != NONE and os.geteuid() == 0

    def describe(self) -> str:
        """Returns the mode and what it hides, in one line for the staff."""
        who = (f"workers run as {self.user.pw_name}, this grade's own user" if self.user
               else "workers run as the grader's user")
        if self.mode == NAMESPACES:
            return (f"namespaces (bubblewrap: own PID, mount and network namespaces; {who}; "
                    "student code sees only Python, the probes and its own copy)")
        if self.mode == USER:
            return (f"user ({who}; tests, configs, solutions, .git and the submission's folder closed to other "
                    f"users; still visible: {'; '.join(USER_MODE_VISIBLE)})")
        return "none (trusted code only: student code could read the tests and outlive the grade)"


def choose(requested: str = "auto") -> Isolation:
    """Returns the isolation for ``requested`` (one of MODES), without its user (the sandbox claims one); raises
    SandboxError when it cannot be had."""
    if requested not in MODES:
        raise SandboxError(f"unknown isolation {requested!r}; one of {', '.join(MODES)}")
    if requested == NONE:
        return Isolation(NONE)
    if requested in ("auto", NAMESPACES):
        problem = namespaces_problem()
        if problem is None:
            return Isolation(NAMESPACES)
        if requested == NAMESPACES:
            raise SandboxError(f"cannot isolate with namespaces: {problem}")
    else:
        problem = None
    if os.geteuid() != 0:
        raise SandboxError(f"cannot isolate student code: {problem}; and user isolation needs root. To isolate, "
                           f"{INSTALL_HINT}. To run trusted code anyway, pass --no-isolation.")
    blocked = unreachable_for_others(python_paths())
    if blocked is not None:
        raise SandboxError(f"cannot isolate student code: {problem or 'namespaces were not asked for'}; and other "
                           f"users cannot enter {blocked} on the way to Python, so the sandbox user could not run it. "
                           f"To isolate, {INSTALL_HINT}. To run trusted code anyway, pass --no-isolation.")
    return Isolation(USER)


@functools.lru_cache(maxsize=None)
def namespaces_problem() -> str | None:
    """Returns why bubblewrap cannot make namespaces here, or None when it can (tried once per process)."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return "bubblewrap (bwrap) is not installed"
    trial = bwrap_command(python_paths(), [], [sys.executable, "-c", "pass"])
    try:
        done = subprocess.run(trial, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bubblewrap did not run ({exc})"
    if done.returncode != 0:
        return f"bubblewrap cannot create namespaces here ({done.stderr.strip()[:200]})"
    return None


def python_paths() -> list[Path]:
    """Returns the folders of the Python installation this process runs: interpreter, standard library, packages."""
    paths = {Path(sys.prefix), Path(sys.base_prefix), Path(os.path.realpath(sys.executable)).parent.parent,
             Path(sysconfig.get_paths()["stdlib"])}
    paths.update(Path(p) for p in sys.path if p and "-packages" in p and Path(p).is_dir())
    paths = {q for p in paths if p.exists() for q in (p, Path(os.path.realpath(p)))}
    return sorted(p for p in paths if not any(other in p.parents for other in paths))


def worker_code() -> list[Path]:
    """Returns the parts of the grader a worker runs: the top-level modules and the folders of WORKER_CODE."""
    grader = REPO / "grader"
    return sorted([*grader.glob("*.py"), *(grader / name for name in WORKER_CODE)])


def bwrap_command(readable: list[Path], writable: list[Path], command: list[str], devices: tuple = (),
                  space_mb: int | None = None) -> list[str]:
    """Returns the bubblewrap command that runs ``command`` seeing only the system, ``readable`` (read-only) and
    ``writable``, each at its own path, and a private /tmp; no network; a new session; it dies with the grader.

    With ``space_mb``, /tmp and /dev/shm are in-memory folders of that size at most, every user's to write in,
    and /tmp holds the home folder (``/tmp/home``).
    """
    cmd = ["bwrap", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
           "--die-with-parent", "--new-session", "--proc", "/proc", "--dev", "/dev"]
    size = ["--size", str(space_mb << 20)] if space_mb else []
    for folder in SPACE:
        cmd += ["--perms", "01777", *size, "--tmpfs", folder]
    cmd += ["--perms", "0777", "--dir", HOME]
    if os.geteuid() != 0:
        cmd.insert(1, "--unshare-user")
    for path in SYSTEM:
        if os.path.islink(path):
            cmd += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            cmd += ["--ro-bind", path, path]
    readable = [p for p in readable if not any(Path(s) == p or Path(s) in p.parents for s in SYSTEM)]
    made: set[Path] = set()
    for path in [*readable, *writable]:  # the folders on the way, which other users must be able to enter
        for parent in reversed(path.parents):
            if parent != Path("/") and parent not in made and not any(parent == Path(s) for s in SYSTEM):
                cmd += ["--perms", "0755", "--dir", str(parent)]
                made.add(parent)
    for path in readable:
        cmd += ["--ro-bind", str(path), str(path)]
    for path in writable:
        cmd += ["--bind", str(path), str(path)]
    for device in devices:
        cmd += ["--dev-bind", str(device), str(device)]
    return cmd + ["--chdir", "/", "--"] + command


def gpu_devices() -> tuple[Path, ...]:
    """Returns the NVIDIA device files, which a worker training on CUDA needs."""
    return tuple(sorted(Path("/dev").glob("nvidia*")))


def private_paths(*extra: Path) -> list[Path]:
    """Returns what the sandbox user must not read in user mode: everything in the repository but the Python
    environment and the worker's part of the grader (tests, configs, solutions, .git, ...), and ``extra`` (the
    folder of the submission, of the results), except folders that every user writes in (/tmp) or that lead to
    Python or the grader."""
    keep = {REPO / "grader", *(p for p in python_paths() if REPO in p.parents or p == REPO)}
    keep_top = {REPO / p.relative_to(REPO).parts[0] for p in keep}
    closed = [p for p in REPO.iterdir() if p not in keep_top]
    closed += [p for p in (REPO / "grader").iterdir() if p.is_dir() and p.name not in (*WORKER_CODE, "__pycache__")]
    needed = [*python_paths(), REPO / "grader"]
    for path in map(Path, extra):
        path = Path(os.path.realpath(path))
        if path != Path("/") and not shared_folder(path) and not any(path == n or path in n.parents for n in needed):
            closed.append(path)
    return closed


def unreachable_for_others(paths: list[Path]) -> Path | None:
    """Returns the first directory on the way to ``paths`` that other users cannot enter, or None."""
    for path in paths:
        path = Path(os.path.realpath(path))
        for directory in [*reversed(path.parents), path] if path.is_dir() else reversed(path.parents):
            if not directory.stat().st_mode & stat.S_IXOTH:
                return directory
    return None


def threads_of(uid: int) -> int:
    """Returns how many threads (what RLIMIT_NPROC counts) the user ``uid`` runs now."""
    total = 0
    for pid in processes_of(uid):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        total += int(next((line.split()[1] for line in status.splitlines() if line.startswith("Threads:")), "1"))
    return total


def copy_implementation(root: Path, dest: Path) -> None:
    """Copies the course packages of implementation ``root`` to ``dest`` (regular files only)."""
    dest.mkdir(parents=True)
    for pkg in PACKAGES:
        if (root / pkg).is_dir() and not (root / pkg).is_symlink():
            shutil.copytree(root / pkg, dest / pkg, symlinks=True,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


def open_up(tree: Path) -> None:
    """Lets other users read ``tree``: folders 755, files 644."""
    for dirpath, dirnames, filenames in os.walk(tree):
        os.chmod(dirpath, 0o755)
        for name in filenames:
            p = os.path.join(dirpath, name)
            if not os.path.islink(p):
                os.chmod(p, 0o644)
