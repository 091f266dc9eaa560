"""The files of one sandbox, and who may write where, so that the grader never follows what student code made.

- ``impl``: the copy of the implementation that workers import; the grader's, read-only to workers.
- scratch folders (``scratch()``): the grader writes the files a test hands to the implementation there;
  workers only read them (the grader owns them, and in the namespaces mode they are mounted read-only), so no
  link or file that student code makes can be in one when the grader writes or reads it.
- the home (``home``) and the folders the implementation writes to (``workdir()``): the workers' own. The
  grader never opens anything there; what a test needs of a file written there comes back as a probe's result.
  In the namespaces mode they live in the sandbox's in-memory folders (``isolation.SPACE``), which the host does
  not see at all.

When the grader is root and isolates, the workspace also holds the grade's own sandbox user
(``grader.sandbox.host.UserSlot``); in the user mode, the paths closed to other users (``ClosedPaths``).
"""
from __future__ import annotations

import dataclasses
import os
import secrets
import shutil
import tempfile
from pathlib import Path

from grader.sandbox.host import DEFAULT_USER, ClosedPaths, UserSlot
from grader.sandbox.isolation import HOME, NAMESPACES, SPACE, USER, Isolation, copy_implementation, open_up


class Workspace:
    """The folders of one sandbox for the implementation rooted at ``root``, under ``isolation``.

    ``private`` are the paths closed to other users while the sandbox lives (user mode); ``user`` the base name
    of the sandbox users.
    """

    def __init__(self, root: Path, isolation: Isolation, private=(), user: str = DEFAULT_USER):
        self.slot = UserSlot(user) if isolation.drops_privileges else None
        self.isolation = dataclasses.replace(isolation, user=self.slot.user if self.slot else None)
        self.user = self.isolation.user
        self.closed = ClosedPaths(private) if isolation.mode == USER else None
        # Unpredictable names below a folder others cannot list: no other submission finds these.
        self.base = Path(tempfile.mkdtemp(prefix="grader-sandbox-"))
        self.impl, self.scratch_root, host_home = (self.base / secrets.token_hex(8) for _ in range(3))
        copy_implementation(root, self.impl)
        open_up(self.impl)
        self.scratch_root.mkdir(mode=0o711)
        if isolation.mode == NAMESPACES:
            self.home = Path(HOME)
        else:
            self.home = host_home
            for folder in (self.home, self.home / "tmp"):
                folder.mkdir(mode=0o700)
                if self.user is not None:
                    os.chown(folder, self.user.pw_uid, self.user.pw_gid)
        os.chmod(self.base, 0o711)
        self._count = 0

    def _next(self) -> int:
        self._count += 1
        return self._count

    def scratch(self) -> Path:
        """Returns a new empty folder that the grader writes and workers only read."""
        folder = self.scratch_root / str(self._next())
        folder.mkdir(mode=0o755)
        return folder

    def workdir(self) -> Path:
        """Returns the path of a new folder for the implementation to write in (the worker makes it; the grader
        never opens anything below it)."""
        return self.home / f"work-{self._next()}"

    def space(self) -> tuple[list[str], int | None]:
        """Returns (the folders whose content counts against the space limit, the only owner counted there)."""
        if self.isolation.mode == NAMESPACES:
            return list(SPACE), None
        if self.isolation.mode == USER and self.user is not None:
            return [str(self.home), tempfile.gettempdir(), "/dev/shm"], self.user.pw_uid
        return [str(self.home)], None

    def close(self) -> None:
        """Kills what the sandbox user still runs, reopens what no other grade needs closed, removes the folders."""
        if self.slot is not None:
            self.slot.release()
        if self.closed is not None:
            self.closed.release()
        shutil.rmtree(self.base, ignore_errors=True)
