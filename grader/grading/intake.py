"""Finding the student's code in a submission (a zip or a folder) and copying it out safely.

The implementation is the ``student/`` folder, at the top of the submission or
one folder down (a folder that holds ``layers/``, ``models/``, ... directly is
taken as it is). Only the course packages are copied, without compiled code
(extensions and bytecode: ``grader.submission.shadows.COMPILED``), and the tuned
``configs/experiment.yaml`` beside ``student/`` is read.

Everything is bounded before it is read, and anything unusual rejects the whole
submission with a ``SubmissionError`` that says why (nothing is written outside
the destination, nothing hangs):

- names: at most ``MAX_PATH_BYTES`` bytes of UTF-8 and ``MAX_DEPTH`` folders
  deep, no control characters, no absolute, drive or ``..`` paths, no path
  twice, never a file and a folder of the same name;
- entries: at most ``MAX_ENTRIES``; regular files and folders only (no links,
  FIFOs, sockets or devices); each file at most ``MAX_FILE_BYTES``, all of them
  together at most ``MAX_TOTAL_BYTES``; the config at most ``MAX_CONFIG_BYTES``;
- zips: at most ``MAX_ARCHIVE_BYTES`` with a central directory of at most
  ``MAX_DIRECTORY_BYTES`` (checked before ``zipfile`` parses it), stored or
  deflated entries only, none encrypted, none compressed more than
  ``MAX_RATIO`` to 1, none overlapping another, each holding exactly the size
  its header declares. A zip inside the submission is just a file.
"""
from __future__ import annotations

import os
import stat
import struct
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from grader.contract import EXPERIMENT, PACKAGES
from grader.submission.shadows import is_compiled

MAX_ENTRIES = 2000            # files and folders; the handout's student/ holds about 60
MAX_FILE_BYTES = 5 << 20      # the largest course file is a few tens of KB
MAX_TOTAL_BYTES = 50 << 20
MAX_CONFIG_BYTES = 64 << 10   # configs/experiment.yaml is about 1 KB
MAX_ARCHIVE_BYTES = 60 << 20  # MAX_TOTAL_BYTES stored, plus headers
MAX_DIRECTORY_BYTES = 1 << 20  # the zip's table of entries: MAX_ENTRIES of about 500 bytes at most
MAX_PATH_BYTES = 255
MAX_DEPTH = 16
MAX_RATIO = 100               # Python source deflates about 4 to 1
_RATIO_FROM = 64 << 10        # smaller entries may compress better: they are bounded by their size anyway
_CHUNK = 64 << 10
_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
_UTF8_FLAG, _ENCRYPTED_FLAGS = 0x800, 0x1 | 0x40
_LOCAL_HEADER = 30
_JUNK = ("__pycache__", "__MACOSX", ".git", ".ipynb_checkpoints")
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError,
               RuntimeError, struct.error, zlib.error, IndexError, KeyError, OverflowError)
_AGAIN = "zip the student/ folder again with an ordinary zip tool"


class SubmissionError(ValueError):
    """The submission cannot be graded; the message says why, in words for the student."""


@dataclass
class Submission:
    """The implementation found in a submission, copied to ``root``."""

    root: Path
    experiment: Path | None = None


def _size(n: int) -> str:
    """Returns ``n`` bytes in words (``5 MB``, ``64 KB``)."""
    return f"{n >> 20} MB" if n >= 1 << 20 else f"{n >> 10} KB" if n >= 1 << 10 else f"{n} bytes"


def _shown(name: str) -> str:
    """Returns ``name`` quoted with its odd characters escaped, cut to a readable length."""
    text = repr(name)
    return text if len(text) <= 100 else text[:97] + "..."


def _check_name(name: str) -> None:
    """Refuses a name that is not valid UTF-8, holds a control character, or is too long."""
    for c in name:
        category = unicodedata.category(c)
        if category == "Cs":
            raise SubmissionError(f"the submission holds a file name that is not valid UTF-8 ({_shown(name)}); "
                                  "rename it")
        if category == "Cc":
            raise SubmissionError(f"the submission holds a file name with a control character ({_shown(name)}); "
                                  "rename it")
    if len(name.encode("utf-8")) > MAX_PATH_BYTES:
        raise SubmissionError(f"the submission holds a path longer than {MAX_PATH_BYTES} bytes ({_shown(name)}); "
                              "shorten it")


def _check_depth(parts: tuple[str, ...], name: str) -> None:
    if len(parts) > MAX_DEPTH:
        raise SubmissionError(f"the submission holds a path more than {MAX_DEPTH} folders deep ({_shown(name)}); "
                              "submit the student/ folder only")


def _parts(name: str) -> tuple[str, ...]:
    """Returns the components of an archive path, refusing unsafe, unusual and absolute or parent paths."""
    _check_name(name)
    name = name.replace("\\", "/")
    path = PurePosixPath(name)
    if path.is_absolute() or (len(name) > 1 and name[1] == ":") or ".." in path.parts:
        raise SubmissionError(f"the zip contains an unsafe path {name!r} (absolute or with '..'); "
                              "zip the student/ folder itself")
    parts = tuple(p for p in path.parts if p not in ("", "."))
    _check_depth(parts, name)
    return parts


def _wanted(parts: tuple[str, ...]) -> bool:
    return (len(parts) >= 2 and parts[0] in PACKAGES and not any(p in _JUNK for p in parts)
            and not parts[-1].startswith("._") and not is_compiled(parts[-1]))


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
    if count > MAX_ENTRIES:
        raise SubmissionError(f"the submission has more than {MAX_ENTRIES} files and folders; "
                              "submit the student/ folder only")
    if size > MAX_FILE_BYTES:
        raise SubmissionError(f"{name} is larger than {_size(MAX_FILE_BYTES)}")
    if total > MAX_TOTAL_BYTES:
        raise SubmissionError(f"the submission is larger than {_size(MAX_TOTAL_BYTES)}")


def _write(dest: Path, rel: tuple[str, ...], data: bytes) -> None:
    target = dest.joinpath(*rel)
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "xb") as f:
        f.write(data)


def _check_tree(files: set[tuple[str, ...]], dirs: set[tuple[str, ...]]) -> None:
    clash = sorted(files & dirs)
    if clash:
        raise SubmissionError(f"the submission holds both a file and a folder named {'/'.join(clash[0])}; "
                              "keep one of them")


# ---- zips ----
def _zip_name(info: zipfile.ZipInfo) -> str:
    """Returns the entry's name as stored (before zipfile cuts it at a NUL), decoded as UTF-8."""
    if info.flag_bits & _UTF8_FLAG:
        return info.orig_filename
    try:  # without the flag zipfile reads cp437, but most tools write UTF-8: the bytes must be UTF-8
        return info.orig_filename.encode("cp437").decode("utf-8")
    except UnicodeError:
        raise SubmissionError(f"the zip holds a file name that is not valid UTF-8 ({_shown(info.orig_filename)}); "
                              "rename it") from None


def _check_entry(info: zipfile.ZipInfo, name: str) -> None:
    """Refuses a link, special file, encrypted entry, unusual compression or a bomb, from its header alone."""
    kind = stat.S_IFMT(info.external_attr >> 16)
    if kind == stat.S_IFLNK:
        raise SubmissionError(f"the zip contains a link ({name}); links are not accepted")
    if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise SubmissionError(f"the zip contains a special file ({name}: a device, FIFO or socket); "
                              "only files and folders are accepted")
    if info.flag_bits & _ENCRYPTED_FLAGS:
        raise SubmissionError(f"{name} is encrypted in the zip; zip it without a password")
    if info.compress_type not in _METHODS:
        raise SubmissionError(f"{name} is compressed with method {info.compress_type}, which the grader does not "
                              f"read; {_AGAIN} (deflate or no compression)")
    if info.file_size > _RATIO_FROM and info.file_size > MAX_RATIO * info.compress_size:
        raise SubmissionError(f"{name} is compressed more than {MAX_RATIO} to 1 in the zip (a zip bomb?); "
                              "submit the student/ folder only")


def _check_directory(source: Path) -> None:
    """Refuses a zip too large, or whose table of entries is too large, before ``zipfile`` reads that table."""
    if source.stat().st_size > MAX_ARCHIVE_BYTES:
        raise SubmissionError(f"{source.name} is larger than {_size(MAX_ARCHIVE_BYTES)}; "
                              "submit the student/ folder only")
    with open(source, "rb") as f:
        try:
            end = zipfile._EndRecData(f)  # the end record exactly as ZipFile reads it (ZIP64 included)
        except OSError:  # shorter than an end record
            end = None
    if not end:
        raise SubmissionError(f"{source.name} is not a readable zip file (no end of central directory)")
    if end[4] > MAX_ENTRIES or end[5] > MAX_DIRECTORY_BYTES:
        raise SubmissionError(f"the submission has more than {MAX_ENTRIES} files and folders; "
                              "submit the student/ folder only")


def _check_overlaps(infos: list[zipfile.ZipInfo], names: dict[int, str]) -> None:
    """Refuses entries whose data overlap (one compressed kernel read by many entries: a zip bomb)."""
    spans = sorted((info.header_offset, info.header_offset + _LOCAL_HEADER
                    + len(info.orig_filename.encode("utf-8" if info.flag_bits & _UTF8_FLAG else "cp437"))
                    + info.compress_size, id(info)) for info in infos)
    for (_, end, key), (start, _, _) in zip(spans, spans[1:]):
        if end > start:
            raise SubmissionError(f"the zip's entry {names[key]} overlaps the next one (a forged zip or zip bomb); "
                                  f"{_AGAIN}")


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, limit: int) -> bytes:
    """Returns the entry's bytes, read in chunks and never more than ``limit`` or its declared size."""
    if info.file_size > limit:
        raise SubmissionError(f"{name} is larger than {_size(limit)}")
    chunks, size = [], 0
    try:
        with archive.open(info) as f:
            while size <= limit and (chunk := f.read(_CHUNK)):
                chunks.append(chunk)
                size += len(chunk)
    except _ZIP_ERRORS as exc:
        raise SubmissionError(f"{name} could not be read from the zip ({exc}); {_AGAIN}") from None
    if size != info.file_size:
        raise SubmissionError(f"{name} holds {size} bytes but the zip declares {info.file_size} "
                              f"(a damaged or forged zip); {_AGAIN}")
    return b"".join(chunks)


def _from_zip(source: Path, dest: Path) -> bytes | None:
    """Copies the packages out of zip ``source``; returns the extracted experiment config, if any."""
    try:
        _check_directory(source)
        archive = zipfile.ZipFile(source)
    except SubmissionError:
        raise
    except UnicodeDecodeError:
        raise SubmissionError(f"{source.name} holds a file name that is not valid UTF-8; rename it") from None
    except _ZIP_ERRORS as exc:
        raise SubmissionError(f"{source.name} is not a readable zip file ({exc})") from None
    with archive:
        return _extract_zip(archive, dest)


def _extract_zip(archive: zipfile.ZipFile, dest: Path) -> bytes | None:
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise SubmissionError(f"the submission has more than {MAX_ENTRIES} files and folders; "
                              "submit the student/ folder only")
    entries, files, dirs, folders, names, declared = [], set(), set(), set(), {}, 0
    for info in infos:
        name = names[id(info)] = _zip_name(info)
        parts = _parts(name)
        declared += info.file_size
        _check_sizes(0, info.file_size, declared, name)
        _check_entry(info, name)
        if not parts:
            continue
        is_dir = name.replace("\\", "/").endswith("/")
        if parts in files or parts in folders:
            raise SubmissionError(f"the zip holds {'/'.join(parts)} twice; {_AGAIN}")
        dirs.update(parts[:i] for i in range(1, len(parts) + is_dir))
        if is_dir:
            folders.add(parts)
        else:
            files.add(parts)
            entries.append((parts, info))
    _check_tree(files, dirs)
    _check_overlaps(infos, names)
    base = _choose_base(dirs)
    experiment, written = None, 0
    for parts, info in entries:
        rel = parts[len(base):]
        if parts[:len(base)] != base:
            if parts == base[:-1] + tuple(EXPERIMENT.split("/")):
                experiment = _read_entry(archive, info, names[id(info)], MAX_CONFIG_BYTES)
            continue
        if _wanted(rel):
            data = _read_entry(archive, info, names[id(info)], MAX_FILE_BYTES)
            written += len(data)
            _check_sizes(0, 0, written, names[id(info)])
            _write(dest, rel, data)
    return experiment


# ---- folders ----
def _scan(source: Path) -> tuple[set[tuple[str, ...]], set[tuple[str, ...]]]:
    """Returns (folders, files) of folder ``source`` (junk skipped), every entry checked without following links."""
    dirs, files, count, total = set(), set(), 0, 0
    stack: list[tuple[str, ...]] = [()]
    while stack:
        rel = stack.pop()
        try:
            with os.scandir(source.joinpath(*rel)) as listing:
                for entry in listing:
                    if entry.name in _JUNK:
                        continue
                    parts = rel + (entry.name,)
                    shown = "/".join(parts)
                    _check_name(shown)
                    _check_depth(parts, shown)
                    count += 1
                    mode = entry.stat(follow_symlinks=False).st_mode
                    if stat.S_ISLNK(mode):
                        raise SubmissionError(f"the submission contains a link ({shown}); links are not accepted")
                    if stat.S_ISDIR(mode):
                        dirs.add(parts)
                        stack.append(parts)
                        size = 0
                    elif stat.S_ISREG(mode):
                        files.add(parts)
                        size = entry.stat(follow_symlinks=False).st_size
                    else:
                        raise SubmissionError(f"the submission contains a special file ({shown}: a device, FIFO "
                                              "or socket); only files and folders are accepted")
                    total += size
                    _check_sizes(count, size, total, shown)
        except OSError as exc:
            raise SubmissionError(f"the folder {'/'.join(rel) or source.name} cannot be read "
                                  f"({exc.strerror or exc}); make it readable") from None
    return dirs, files


def _read_file(path: Path, shown: str, limit: int) -> bytes:
    """Returns the bytes of regular file ``path``, opened without following links or blocking on a FIFO."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        with os.fdopen(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                raise SubmissionError(f"{shown} is not a regular file; only files and folders are accepted")
            data = f.read(limit + 1)
    except OSError as exc:
        raise SubmissionError(f"{shown} cannot be read ({exc.strerror or exc}); make it readable") from None
    if len(data) > limit:
        raise SubmissionError(f"{shown} is larger than {_size(limit)}")
    return data


def _from_folder(source: Path, dest: Path) -> bytes | None:
    """Copies the packages out of folder ``source`` without following links."""
    dirs, files = _scan(source)
    base = _choose_base(dirs)
    for parts in sorted(files):
        rel = parts[len(base):]
        if parts[:len(base)] == base and _wanted(rel):
            _write(dest, rel, _read_file(source.joinpath(*parts), "/".join(parts), MAX_FILE_BYTES))
    config = base[:-1] + tuple(EXPERIMENT.split("/"))
    if config in files:
        return _read_file(source.joinpath(*config), EXPERIMENT, MAX_CONFIG_BYTES)
    return None


def extract(source: Path | str, dest: Path | str) -> Submission:
    """Copies the implementation in submission ``source`` (a zip or a folder) to ``dest``, a new folder.

    Returns what was found: the root, and the student's
    ``configs/experiment.yaml`` (copied beside the root) if any.
    Raises SubmissionError, with a message for the student, whatever is wrong
    with the submission (any other exception is the grader's own failure).
    """
    source, dest = Path(source), Path(dest)
    dest.mkdir(parents=True)
    try:
        mode = source.stat().st_mode
    except OSError as exc:
        raise SubmissionError(f"no submission at {source} ({exc.strerror or exc})") from None
    if stat.S_ISDIR(mode):
        experiment = _from_folder(source, dest)
    elif stat.S_ISREG(mode):
        experiment = _from_zip(source, dest)
    else:
        raise SubmissionError(f"no submission at {source}: it is neither a zip file nor a folder")
    for pkg in PACKAGES:
        (dest / pkg).mkdir(exist_ok=True)
    config_path = None
    if experiment is not None:
        config_path = dest.parent / f"{dest.name}-experiment.yaml"
        config_path.write_bytes(experiment)
    return Submission(root=dest, experiment=config_path)
