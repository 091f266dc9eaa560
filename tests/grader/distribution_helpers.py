"""Helpers of test_distribution: commands, unzipping as Gradescope does, code units to search for."""
import ast
import hashlib
import re
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

from grader.authoring.leaks import MIN_BLOCK_CHARS, normalized_lines


def run(cmd: list[str], cwd: Path, env: dict | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    """Returns the finished command, its stdout and stderr together in ``stdout``."""
    return subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=timeout)


def unzip(zip_path: Path, dest: Path) -> Path:
    """Returns ``dest`` after extracting ``zip_path`` into it, keeping the files' permission bits."""
    with zipfile.ZipFile(zip_path) as archive:
        for info in archive.infolist():
            target = Path(archive.extract(info, dest))
            mode = (info.external_attr >> 16) & 0o777
            if mode and not info.is_dir():
                target.chmod(mode)
    return dest


def code_units(path: Path) -> list[tuple[str, str]]:
    """Returns (name, normalized code) of every top-level function and class of a Python file."""
    source = path.read_text(encoding="utf-8")
    units = []
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            code = "\n".join(normalized_lines(ast.get_source_segment(source, node)))
            if len(code) >= MIN_BLOCK_CHARS:
                units.append((node.name, code))
    return units


def file_digest(path: Path) -> str:
    """Returns the SHA-256 of a file's contents, in hex."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def pytest_summary(output: str) -> str:
    """Returns pytest's closing line (``3 failed, 2 passed in 1.2s``) from its output, or ``""``."""
    lines = re.findall(r"^=*\s*(\d+ \w+.* in [\d.]+s.*?)\s*=*$", output, re.MULTILINE)
    return lines[-1] if lines else ""


def _everyone_can_run(path: Path) -> bool:
    return all(p.stat().st_mode & stat.S_IXOTH for p in [path, *path.parents])


def shared_python() -> str:
    """Returns an interpreter of this Python version that every user can run, else this one.

    A virtual environment made from it is usable by the sandbox's unprivileged
    worker, as on Gradescope; from an interpreter in a private folder the
    worker falls back to running as root.
    """
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    for candidate in (Path(sys._base_executable).resolve(), Path(f"/usr/bin/python{version}")):
        if candidate.is_file() and _everyone_can_run(candidate) and run(
                [str(candidate), "-c", "import ensurepip, venv"], cwd=Path("/")).returncode == 0:
            return str(candidate)
    return sys.executable
