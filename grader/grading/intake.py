"""Finding the student's code in a submission (a zip or a folder) and copying it out safely.

The implementation is the ``student/`` folder, at the top of the submission or
one folder down (a folder that holds ``layers/``, ``models/``, ... directly is
taken as it is). Only the course packages are copied. A zip entry with an
absolute or ``..`` path, a link, or sizes above the limits rejects the whole
submission: nothing is written outside the destination.
"""
from __future__ import annotations

import os
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from grader.contract import EXPERIMENT, PACKAGES

MAX_FILES = 2000
MAX_FILE_BYTES = 5 << 20
MAX_TOTAL_BYTES = 50 << 20
MAX_CONFIG_BYTES = 64 << 10
_JUNK = ("__pycache__", "__MACOSX", ".git", ".ipynb_checkpoints")


class SubmissionError(ValueError):
    """The submission cannot be graded; the message says why, in words for the student."""


@dataclass
class Submission:
    """The implementation found in a submission, copied to ``root``."""

    root: Path
    experiment: Path | None = None


def _parts(name: str) -> tuple[str, ...]:
    """Returns the components of an archive path, refusing absolute and parent paths."""
    name = name.replace("\\", "/")
    path = PurePosixPath(name)
    if path.is_absolute() or (len(name) > 1 and name[1] == ":") or ".." in path.parts:
        raise SubmissionError(f"the zip contains an unsafe path {name!r} (absolute or with '..'); "
                              "zip the student/ folder itself")
    return tuple(p for p in path.parts if p not in ("", "."))


def _wanted(parts: tuple[str, ...]) -> bool:
    return (len(parts) >= 2 and parts[0] in PACKAGES and not any(p in _JUNK for p in parts)
            and not parts[-1].startswith("._") and not parts[-1].endswith(".pyc"))


def _choose_base(dirs: set[tuple[str, ...]]) -> tuple[str, ...]:
    """Returns the folder holding the packages: ``student/``, ``X/student/``, or the top itself."""
    if ("student",) in dirs:
        return ("student",)
    below = sorted(d for d in dirs if len(d) == 2 and d[1] == "student" and d[0] not in _JUNK)
    if len(below) == 1:
        return below[0]
    if len(below) > 1:
        raise SubmissionError(f"the submission holds several student/ folders ({', '.join('/'.join(b) for b in below)}); "
                              "submit exactly one")
    if any((p,) in dirs for p in PACKAGES):
        return ()
    raise SubmissionError("no student/ folder found: the submission must contain student/ (with layers/, models/, "
                          "optimizers/, utils/) at its top or one folder down")


def _check_sizes(count: int, size: int, total: int, name: str) -> None:
    if count > MAX_FILES:
        raise SubmissionError(f"the submission has more than {MAX_FILES} files")
    if size > MAX_FILE_BYTES:
        raise SubmissionError(f"{name} is larger than {MAX_FILE_BYTES >> 20} MB")
    if total > MAX_TOTAL_BYTES:
        raise SubmissionError(f"the submission is larger than {MAX_TOTAL_BYTES >> 20} MB")


def _write(dest: Path, rel: tuple[str, ...], data: bytes) -> None:
    target = dest.joinpath(*rel)
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "xb") as f:
        f.write(data)


def _read_limited(stream, limit: int, name: str) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise SubmissionError(f"{name} is larger than {limit >> 20 or limit} {'MB' if limit >> 20 else 'bytes'}")
    return data


def _from_zip(source: Path, dest: Path) -> bytes | None:
    """Copies the packages out of zip ``source``; returns the extracted experiment config, if any."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as exc:
        raise SubmissionError(f"{source.name} is not a readable zip file ({exc})") from None
    try:
        with archive:
            return _extract_zip(archive, dest)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, RuntimeError, EOFError, NotImplementedError, zlib.error) as exc:
        raise SubmissionError(f"{source.name} could not be read ({exc})") from None


def _extract_zip(archive: zipfile.ZipFile, dest: Path) -> bytes | None:
    infos = archive.infolist()
    entries, dirs, declared = [], set(), 0
    for info in infos:
        parts = _parts(info.filename)
        if stat.S_ISLNK(info.external_attr >> 16):
            raise SubmissionError(f"the zip contains a link ({info.filename}); links are not accepted")
        declared += info.file_size
        _check_sizes(len(infos), info.file_size, declared, info.filename)
        if not parts:
            continue
        for i in range(1, len(parts) + (1 if info.is_dir() else 0)):
            dirs.add(parts[:i])
        if not info.is_dir():
            entries.append((parts, info))
    base = _choose_base(dirs)
    experiment, written = None, 0
    for parts, info in entries:
        rel = parts[len(base):]
        if parts[:len(base)] != base:
            if parts == base[:-1] + tuple(EXPERIMENT.split("/")):
                with archive.open(info) as f:
                    experiment = _read_limited(f, MAX_CONFIG_BYTES, info.filename)
            continue
        if _wanted(rel):
            with archive.open(info) as f:
                data = _read_limited(f, MAX_FILE_BYTES, info.filename)
            written += len(data)
            _check_sizes(0, 0, written, info.filename)
            _write(dest, rel, data)
    return experiment


def _from_folder(source: Path, dest: Path) -> bytes | None:
    """Copies the packages out of folder ``source`` without following links."""
    dirs, files, total = set(), [], 0
    for dirpath, dirnames, filenames in os.walk(source):
        rel_dir = Path(dirpath).relative_to(source).parts
        dirnames[:] = [d for d in dirnames if d not in _JUNK]
        for name in dirnames + filenames:
            path = Path(dirpath, name)
            if path.is_symlink():
                raise SubmissionError(f"the submission contains a link ({'/'.join(rel_dir + (name,))}); "
                                      "links are not accepted")
        for name in dirnames:
            dirs.add(rel_dir + (name,))
        for name in filenames:
            size = Path(dirpath, name).lstat().st_size
            total += size
            files.append(rel_dir + (name,))
            _check_sizes(len(files), size, total, "/".join(rel_dir + (name,)))
    base = _choose_base(dirs)
    for parts in files:
        rel = parts[len(base):]
        if parts[:len(base)] == base and _wanted(rel):
            with open(source.joinpath(*parts), "rb") as f:
                _write(dest, rel, _read_limited(f, MAX_FILE_BYTES, "/".join(parts)))
    config = source.joinpath(*base[:-1], *EXPERIMENT.split("/"))
    if config.is_file() and not config.is_symlink():
        with open(config, "rb") as f:
            return _read_limited(f, MAX_CONFIG_BYTES, EXPERIMENT)
    return None


def extract(source: Path | str, dest: Path | str) -> Submission:
    """Copies the implementation in submission ``source`` (a zip or a folder) to ``dest``, a new folder.

    Returns what was found: the root, and the student's
    ``configs/experiment.yaml`` (copied beside the root) if any.
    Raises SubmissionError when the submission cannot be graded.
    """
    source, dest = Path(source), Path(dest)
    dest.mkdir(parents=True)
    if source.is_dir():
        experiment = _from_folder(source, dest)
    elif source.is_file():
        experiment = _from_zip(source, dest)
    else:
        raise SubmissionError(f"no submission at {source}")
    for pkg in PACKAGES:
        (dest / pkg).mkdir(exist_ok=True)
    config_path = None
    if experiment is not None:
        config_path = dest.parent / f"{dest.name}-experiment.yaml"
        config_path.write_bytes(experiment)
    return Submission(root=dest, experiment=config_path)
