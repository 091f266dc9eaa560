"""Helpers of the grading tests: submissions made from a copy of solutions/ with one change, small rubrics, grades."""
import json
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from grader.grading.results import validate

REPO = Path(__file__).resolve().parents[2]
ACT = "tests/public/test_activations.py"
LOSSES = "tests/public/test_losses.py"
ADAM = "tests/public/test_adam.py"


def submission(tmp_path: Path, base: str = "solutions", append: dict[str, str] | None = None,
               remove: tuple = (), folder: str = "sub") -> Path:
    """Returns a folder holding student/: a copy of ``base`` with text appended to files, or files removed."""
    root = tmp_path / folder
    shutil.copytree(REPO / base, root / "student", ignore=shutil.ignore_patterns("__pycache__"))
    for rel, text in (append or {}).items():
        path = root / "student" / rel
        path.write_text(path.read_text() + "\n\n" + textwrap.dedent(text))
    for rel in remove:
        (root / "student" / rel).unlink()
    return root


def rubric(tmp_path: Path, *files: str, details: bool = True, **sandbox) -> Path:
    suites = "\n".join(f"  s{i}: {{path: {f}, details: {str(details).lower()}}}" for i, f in enumerate(files))
    limits = {"call_timeout_s": 20, "budget_s": 300, **sandbox}
    path = tmp_path / "rubric.yaml"
    path.write_text(f"suites:\n{suites}\nsandbox: {json.dumps(limits)}\n")
    return path


def grade(tmp_path: Path, source: Path, rubric_path: Path, name: str = "results") -> dict:
    results = tmp_path / name / "results.json"
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "grader", "grade", str(source), "--results", str(results),
                           "--rubric", str(rubric_path)], cwd=REPO, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    data = json.loads(results.read_text())
    assert validate(data) == []
    return {"data": data, "seconds": time.monotonic() - start, "stdout": proc.stdout, "size": results.stat().st_size,
            "tests": {t["extra_data"]["id"]: t for t in data["tests"]}}


def of(result: dict, test_file: str) -> list[dict]:
    name = Path(test_file).name
    return [t for n, t in result["tests"].items() if n.split("::")[0].endswith(name)]


def full(entries: list[dict]) -> bool:
    return bool(entries) and all(t["score"] == t["max_score"] > 0 for t in entries)


def zero(entries: list[dict]) -> bool:
    return bool(entries) and all(t["score"] == 0 and t["status"] == "failed" for t in entries)
