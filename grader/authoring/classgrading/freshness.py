"""When a class's grade is up to date: a hash of everything that decides a grade besides the submission.

``grade-all`` records the hash (``grading_key``) with each grade and grades a
submission again when it changed. The rubric's ``weights:`` are left out of it:
a change of weights alone is applied to the recorded outcomes (``reweight.py``)
instead of grading again; every other field of the rubric is in it, read as
data (so a comment or the layout of the file counts for nothing).
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from grader.contract import REPO
from grader.grading.rubric import RubricError
from grader.yamlfile import read_yaml

DECIDES = ("configs", "tests/public", "tests/hidden", "grader/grading", "grader/sandbox", "grader/testkit",
           "grader/training", "grader/submission", "grader/contract.py", "grader/course.py", "grader/yamlfile.py",
           "grader/cli.py", "pyproject.toml")
"""What decides a grade besides the submission: a change to any of it regrades the class."""


def rubric_data(rubric: Path) -> bytes:
    """Returns what of the rubric file decides a grade beside the weights: its data less ``weights:`` (which a
    reweighting applies), as canonical JSON; comments and layout count for nothing."""
    data = read_yaml(rubric, RubricError, "rubric")
    if isinstance(data, dict):
        data = {k: v for k, v in data.items() if k != "weights"}
    return json.dumps(data, sort_keys=True, default=str).encode()


def grading_key(rubric: Path, assignment: str | None, device: str, repo: Path = REPO) -> str:
    """Returns a hash of everything that decides a grade besides the submission and the rubric's weights (see
    ``DECIDES``; the rubric, wherever it is, by ``rubric_data``)."""
    h = hashlib.sha256(json.dumps([assignment, device]).encode() + b"\0" + rubric_data(rubric) + b"\0")
    paths = []
    for rel in DECIDES:
        base = repo / rel
        paths += sorted(p for p in base.rglob("*") if p.is_file() and "__pycache__" not in p.parts) \
            if base.is_dir() else [base]
    for path in paths:
        if path.is_file() and path.resolve() != Path(rubric).resolve():
            h.update(str(path.relative_to(repo) if path.is_relative_to(repo) else path).encode() + b"\0")
            h.update(path.read_bytes() + b"\0")
    return h.hexdigest()
