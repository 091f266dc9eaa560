"""The grading secret: what makes the test sets of graded runs unknowable to student code.

Drawn once per repository (``build/grading.secret``, never committed) and
copied into each autograder (``configs/grading.secret``); both places are out
of the sandbox's reach. A graded run's held-out split and the perturbation or
generation of its test examples derive from it, so no code in a submission can
reconstruct the test set from the public packages.
"""
from __future__ import annotations

import hashlib
import secrets

from grader.contract import CONFIGS, REPO

SHIPPED = CONFIGS / "grading.secret"
LOCAL = REPO / "build" / "grading.secret"


def secret_text() -> str:
    """Returns the secret of this autograder or repository, drawing the repository's on first use."""
    for path in (SHIPPED, LOCAL):
        if path.is_file():
            return path.read_text().strip()
    LOCAL.parent.mkdir(parents=True, exist_ok=True)
    LOCAL.write_text(secrets.token_hex(32) + "\n")
    LOCAL.chmod(0o600)
    return LOCAL.read_text().strip()


def seed_for(purpose: str) -> int:
    """Returns a 63-bit seed derived from the secret for ``purpose`` (a run and what the seed draws)."""
    digest = hashlib.sha256(f"{secret_text()}:{purpose}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1
