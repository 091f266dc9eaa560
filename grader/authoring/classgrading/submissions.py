"""A class's submissions: a folder of zips or folders (one per student), or a Gradescope export.

A Gradescope "Export Submissions" download is a zip (or the folder it unzips
to) holding ``submission_metadata.yml`` and one ``submission_<n>/`` folder per
submission; the metadata names the students of each (a group's members each with
their name, SID and email), when it was submitted (``:created_at``) and, where the
export has it, the due date (``:due_date``, of the submission, of its assignment
or, an extension, of a member). Any other folder holds one
submission per entry: a zip or a folder, named after the student (``jdoe.zip``,
``jdoe/``). Hidden entries (``.``) and the grader's own output are ignored.

Each submission gets an id, the name of its output folder (see ``unique_ids``):
a safe folder name made from its name, unique in the class even where letter
case is ignored (macOS, Windows), the same on every run over the same
submissions; and a content hash: the grade of a submission whose content,
rubric and tests did not change is kept on a rerun.
"""
from __future__ import annotations

import dataclasses
import datetime
import hashlib
import os
import re
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import yaml

METADATA = "submission_metadata.yml"
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
_DASHES = re.compile(r"-{2,}")
MARK = "--"
"""Between an id and the hash that makes it unique: a ``safe_id`` never holds it."""
MAX_ID = 100
HASHES = (8, 64)
"""The hex digits of the hash an id gets where it clashes, then where it still clashes (a crafted name)."""
OUTPUTS = (".csv", ".html", ".tmp", ".slurm", ".yaml")
"""How the files grade-all writes beside the submissions' folders end (``gradebook.csv``, ``report.html``,
``gradebook.csv.tmp``, the job files): an id never ends so."""
MAX_EXPORT_BYTES = 8 << 30  # a class of 500 uploads of the largest accepted submission, and more
MAX_METADATA_BYTES = 64 << 20


_TIME = re.compile(r"(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?\s*(Z|[+-]\d{2}:?\d{2})?")


class ClassError(ValueError):
    """The submissions folder or a command's arguments cannot be used; the message says why."""


@dataclass(frozen=True)
class Member:
    """One student of a submission (a group's submission has several), as the export names them."""

    name: str = ""
    email: str = ""
    sid: str = ""


@dataclass(frozen=True)
class Student:
    """One submission of the class: its id (a folder name), where it is, and who submitted it when known: the
    members' names, emails and SIDs (several joined by '; '), each member, and the submission and due times
    (ISO 8601, empty where the export does not say)."""

    id: str
    path: Path
    name: str = ""
    email: str = ""
    sid: str = ""
    members: tuple[Member, ...] = ()
    submitted: str = ""
    due: str = ""

    def recorded(self) -> dict:
        """Returns what ``grading.json`` records of who submitted and when."""
        return {"name": self.name, "email": self.email, "sid": self.sid,
                "members": [dataclasses.asdict(m) for m in self.members], "submitted": self.submitted,
                "due": self.due}


def safe_id(text: str) -> str:
    """Returns ``text`` as a folder name: letters, digits, ``.``, ``_`` and ``-`` only, never ``--``, never hidden,
    never an option (``-x``), never empty, at most ``MAX_ID`` characters."""
    cleaned = _DASHES.sub("-", _SAFE.sub("_", text)).strip("._-")[:MAX_ID].rstrip("._-")
    return cleaned or "submission"


def _hashed(base: str, name: str, digits: int) -> str:
    """Returns ``base--<the first digits of the hash of name>``, at most ``MAX_ID`` characters."""
    digest = hashlib.sha256(os.fsencode(name)).hexdigest()[:digits]
    return f"{base[:MAX_ID - digits - len(MARK)].rstrip('._-')}{MARK}{digest}"


def _clashing(ids: list[str]) -> set[str]:
    """Returns the ids (lower case) that are more than one submission's, or that end like an output file."""
    counts = Counter(i.lower() for i in ids)
    return {i for i, n in counts.items() if n > 1 or i.endswith(OUTPUTS)}


def unique_ids(names: list[tuple[str, str]]) -> list[str]:
    """Returns an id for each submission: (the name its id is made from, its entry's name, unique in its folder).

    A submission's id is ``safe_id`` of its name, unless that is another's too (letter case ignored) or ends
    like a file grade-all writes (``OUTPUTS``): then it and each it clashes with get ``--`` and the first
    ``HASHES[0]`` hex digits of the hash of their entry's name appended; where that still clashes (a name
    crafted for it), the whole hash. So the ids are unique: one without ``--`` by the first rule; one with it
    ends in the hash of its own entry's name. They depend on the names alone: the same on every run over the
    same submissions, and a submission that clashes with none keeps its plain id.
    """
    bases = [safe_id(name) for name, _ in names]
    ids = list(bases)
    for digits in HASHES:
        clash = _clashing(ids)
        ids = [_hashed(base, entry, digits) if i.lower() in clash else i
               for i, base, (_, entry) in zip(ids, bases, names)]
    return ids


def _export_root(folder: Path) -> Path | None:
    """Returns the folder of a Gradescope export that holds the metadata (the top or one folder down)."""
    if (folder / METADATA).is_file():
        return folder
    inner = [p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")]
    if len(inner) == 1 and (inner[0] / METADATA).is_file():
        return inner[0]
    return None


def unpack_export(archive: Path, dest: Path) -> Path:
    """Unzips a Gradescope export into ``dest`` (names checked: nothing lands outside it); returns ``dest``."""
    with zipfile.ZipFile(archive) as z:
        infos = z.infolist()
        if sum(i.file_size for i in infos) > MAX_EXPORT_BYTES:
            raise ClassError(f"{archive}: more than {MAX_EXPORT_BYTES >> 30} GB unpacked")
        for info in infos:
            parts = PurePosixPath(info.filename.replace("\\", "/")).parts
            if info.filename.startswith("/") or ".." in parts or any(":" in p for p in parts[:1]):
                raise ClassError(f"{archive}: unsafe name {info.filename!r}")
        z.extractall(dest)
    return dest


def _submitters(entry) -> list[dict]:
    people = _plain_keys(entry).get("submitters", [])
    return [_plain_keys(p) for p in people] if isinstance(people, list) else []


def _people(entry) -> tuple[str, str, str]:
    """Returns (names, emails, sids) of one metadata entry, several submitters joined by '; '."""
    people = _submitters(entry)
    return tuple("; ".join(str(p.get(key) or "") for p in people).strip("; ")  # type: ignore[return-value]
                 for key in ("name", "email", "sid"))


def _members(entry) -> tuple[Member, ...]:
    """Returns each submitter of one metadata entry."""
    return tuple(Member(*(str(p.get(key) or "") for key in ("name", "email", "sid"))) for p in _submitters(entry))


def iso_time(value) -> str:
    """Returns a time of the metadata (``2026-11-30 23:59:00.000000000 -08:00``) in ISO 8601, to the second
    (``2026-11-30T23:59:00-08:00``); empty where it is none."""
    match = _TIME.fullmatch(str(value or "").strip())
    if not match:
        return ""
    date, clock, fraction, zone = match.groups()
    zone = "" if not zone else "+00:00" if zone == "Z" else f"{zone[:3]}:{zone[-2:]}"
    try:
        moment = datetime.datetime.fromisoformat(f"{date}T{clock}{'.' + fraction[:6].ljust(6, '0') if fraction else ''}"
                                                 f"{zone}")
    except ValueError:
        return ""
    return moment.isoformat(timespec="seconds")


def _due(entry) -> str:
    """Returns the due date of one metadata entry: a member's own (an extension; the latest of them), else the
    submission's or its assignment's, where the export has one."""
    plain = _plain_keys(entry)
    found = [iso_time(_plain_keys(p.get("assignment")).get("due_date") or p.get("due_date"))
             for p in _submitters(entry)]
    found = [t for t in found if t]
    if found:
        return max(found, key=lambda t: datetime.datetime.fromisoformat(t).timestamp())
    return iso_time(plain.get("due_date") or _plain_keys(plain.get("assignment")).get("due_date"))


def hours_late(submitted: str, due: str) -> float | None:
    """Returns how many hours after ``due`` a submission came at ``submitted`` (0 when on time; both ISO 8601);
    None where either is unknown, or one has a time zone and the other has not."""
    try:
        late = datetime.datetime.fromisoformat(submitted) - datetime.datetime.fromisoformat(due)
    except (TypeError, ValueError):
        return None
    return round(max(late.total_seconds(), 0.0) / 3600, 2)


def _plain_keys(entry) -> dict:
    """Returns a mapping with Ruby's symbol keys (``:name``) read as plain keys (``name``)."""
    return {str(k).strip(":"): v for k, v in entry.items()} if isinstance(entry, dict) else {}


class _ExportLoader(yaml.SafeLoader):
    """A safe loader that reads Ruby-tagged values (``!ruby/object:...``) of Gradescope's metadata as plain data."""


def _untagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node):
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_scalar(node)


_ExportLoader.add_multi_constructor("!", _untagged)
_ExportLoader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))


def read_metadata(path: Path) -> dict:
    """Returns Gradescope's ``submission_metadata.yml``: submission folder -> its entry (``:submitters``...)."""
    try:
        if path.stat().st_size > MAX_METADATA_BYTES:
            raise ClassError(f"{path}: larger than {MAX_METADATA_BYTES >> 20} MB")
        metadata = yaml.load(path.read_bytes(), Loader=_ExportLoader)
    except (OSError, yaml.YAMLError) as exc:
        raise ClassError(f"{path}: cannot be read as Gradescope's metadata: {exc}") from None
    if not isinstance(metadata, dict):
        raise ClassError(f"{path}: expected a mapping of submission folders")
    return metadata


def _from_export(root: Path) -> list[Student]:
    metadata = read_metadata(root / METADATA)
    folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    ids = unique_ids([(folder.name, folder.name) for folder in folders])
    students = []
    for i, folder in zip(ids, folders):
        entry = metadata.get(folder.name)
        students.append(Student(i, _single_zip(folder), *_people(entry), members=_members(entry),
                                submitted=iso_time(_plain_keys(entry).get("created_at")), due=_due(entry)))
    return students


def _single_zip(folder: Path) -> Path:
    """Returns the zip a folder holds alone (a student who uploaded their submission.zip), else the folder."""
    entries = [p for p in folder.iterdir() if not p.name.startswith(".")]
    if len(entries) == 1 and entries[0].suffix == ".zip" and entries[0].is_file():
        return entries[0]
    return folder


def find_students(source: Path, work: Path | None = None) -> list[Student]:
    """Returns the submissions in ``source``, sorted by id (see the module docstring).

    ``work``: where a zipped Gradescope export is unpacked (required for one).
    """
    source = Path(source)
    if source.is_file() and zipfile.is_zipfile(source):
        if work is None:
            raise ClassError(f"{source}: a zipped export needs a folder to unpack into")
        target = work / "export"
        if not target.exists():
            unpack_export(source, target)
        source = target
    if not source.is_dir():
        raise ClassError(f"{source}: not a folder of submissions or a Gradescope export")
    root = _export_root(source)
    if root is not None:
        students = _from_export(root)
    else:
        entries = sorted(p for p in source.iterdir() if not p.name.startswith(".")
                         and (p.is_dir() or p.suffix == ".zip"))
        ids = unique_ids([(p.stem if p.is_file() else p.name, p.name) for p in entries])
        students = [Student(i, _single_zip(p) if p.is_dir() and not (p / "student").exists() else p)
                    for i, p in zip(ids, entries)]
    if not students:
        raise ClassError(f"{source}: no submissions (zips or folders) found")
    return sorted(students, key=lambda s: s.id)


def content_hash(path: Path) -> str:
    """Returns a hash of what a submission holds: a zip's bytes, or a folder's names and file contents."""
    h = hashlib.sha256()
    path = Path(path)
    if path.is_file():
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        return h.hexdigest()
    for dirpath, dirnames, filenames in os.walk(path):
        dirnames.sort()
        for name in sorted(filenames):
            full = Path(dirpath) / name
            h.update(full.relative_to(path).as_posix().encode() + b"\0")
            if full.is_symlink():
                h.update(b"link:" + os.readlink(full).encode())
            elif full.is_file():
                h.update(full.read_bytes())
            h.update(b"\0")
    return h.hexdigest()


def parse_shard(text: str) -> tuple[int, int]:
    """Returns (I, N) of ``I/N`` (1 <= I <= N); raises ClassError otherwise."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text or "")
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise ClassError(f"--shard must be I/N with 1 <= I <= N, got {text!r}")
    return int(match[1]), int(match[2])


def shard_from_env(env: dict | None = None) -> tuple[int, int] | None:
    """Returns (I, N) from a SLURM job array or a Kubernetes Indexed Job, or None outside both.

    SLURM: ``SLURM_ARRAY_TASK_ID`` counted from ``SLURM_ARRAY_TASK_MIN`` among
    ``SLURM_ARRAY_TASK_COUNT`` tasks. Kubernetes: ``JOB_COMPLETION_INDEX`` (from
    0) among ``GRADER_SHARDS`` (the Job's completions; the emitted manifest sets it).
    """
    env = os.environ if env is None else env
    try:
        if "SLURM_ARRAY_TASK_ID" in env and "SLURM_ARRAY_TASK_COUNT" in env:
            first = int(env.get("SLURM_ARRAY_TASK_MIN", "1"))
            return parse_shard(f"{int(env['SLURM_ARRAY_TASK_ID']) - first + 1}/{int(env['SLURM_ARRAY_TASK_COUNT'])}")
        if "JOB_COMPLETION_INDEX" in env:
            if "GRADER_SHARDS" not in env:
                raise ClassError("JOB_COMPLETION_INDEX is set but GRADER_SHARDS (the Job's completions) is not")
            return parse_shard(f"{int(env['JOB_COMPLETION_INDEX']) + 1}/{int(env['GRADER_SHARDS'])}")
    except ValueError as exc:
        raise ClassError(f"cannot read the shard from the environment: {exc}") from None
    return None


def shard(students: list[Student], index: int, count: int) -> list[Student]:
    """Returns the ``index``-th (from 1) of ``count`` shares of ``students``: every count-th by id, so the
    shares are disjoint, cover the class, and differ in size by at most one."""
    ordered = sorted(students, key=lambda s: s.id)
    return [s for k, s in enumerate(ordered) if k % count == index - 1]
