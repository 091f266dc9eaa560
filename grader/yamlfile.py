"""The one YAML reader of the kit: configs, the rubric and the policy are all read through ``read_yaml``.

A student's ``configs/experiment.yaml`` is read by the grader, so the reader
bounds its work before building anything: the file's size, no anchors or
aliases (a few lines of aliases expand to gigabytes: the "billion laughs"), no
explicit tags, a bounded nesting depth. What comes back is plain: dicts, lists,
strings, numbers, booleans and None (a date stays a string).
"""
from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import yaml

MAX_BYTES = 256 << 10  # the largest shipped YAML file (the policy) is under 4 KB
MAX_DEPTH = 16         # the rubric nests 3 deep
_PLAIN_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("null", "bool", "int", "float", "str", "seq", "map")}
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Refused(ValueError):
    """A construct the reader does not accept (the message says which and where)."""


class _PlainLoader(_Base):  # type: ignore[misc, valid-type]
    """A safe loader that resolves plain scalars only: no timestamps, merge keys or ``=`` values."""


_PlainLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag in _PLAIN_TAGS]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()}


def _read_bounded(path: Path, max_bytes: int, what: str) -> bytes:
    """Returns the bytes of regular file ``path`` if there are at most ``max_bytes``; raises ValueError otherwise."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise ValueError(f"not a regular file; a {what} is a YAML text file")
        data = f.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValueError(f"larger than {max_bytes >> 10} KB; a {what} file is a few KB of YAML")
    return data


def _check_events(data: bytes, max_depth: int) -> None:
    """Raises _Refused at the first anchor, alias, explicit tag or nesting deeper than ``max_depth``."""
    depth = 0
    for event in yaml.parse(data, Loader=_PlainLoader):
        line = f"line {event.start_mark.line + 1}" if event.start_mark else "somewhere"
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _Refused(f"{line}: anchors and aliases (&name, *name) are not accepted; write the values out")
        tag = getattr(event, "tag", None)
        if tag is not None and tag != "!":
            raise _Refused(f"{line}: explicit tags ({tag}) are not accepted; write plain values")
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > max_depth:
                raise _Refused(f"{line}: nested more than {max_depth} levels deep")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def read_yaml(path: Path | str, error: type[Exception], what: str, *, max_bytes: int = MAX_BYTES,
              max_depth: int = MAX_DEPTH) -> Any:
    """Returns the YAML document in ``path``; raises ``error`` naming the file when it is missing or invalid.

    Refuses, before building anything, a file over ``max_bytes``, anchors and
    aliases, explicit tags, and nesting deeper than ``max_depth``.
    """
    try:
        data = _read_bounded(Path(path), max_bytes, what)
    except FileNotFoundError:
        raise error(f"{path}: no such {what} file") from None
    except (OSError, ValueError) as exc:
        raise error(f"{path}: cannot be read as a {what} file: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        _check_events(data, max_depth)
        return yaml.load(data, Loader=_PlainLoader)
    except _Refused as exc:
        raise error(f"{path}: {exc}") from None
    except yaml.YAMLError as exc:
        raise error(f"{path}: not valid YAML: {exc}") from None
    except (ValueError, RecursionError) as exc:  # a number too long to convert, for one
        raise error(f"{path}: not valid YAML: a value cannot be read ({exc})") from None
