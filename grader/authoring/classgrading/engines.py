"""Job files that grade a class beyond one machine: a SLURM job array or a Kubernetes Indexed Job.

Both engines run the same command N times, ``grade-all`` into ``OUT/shard-<i>``
with no ``--shard``: each task reads its share from what the engine sets
(``SLURM_ARRAY_TASK_ID`` among ``SLURM_ARRAY_TASK_COUNT``, or
``JOB_COMPLETION_INDEX`` among ``GRADER_SHARDS``; see ``shard_from_env``). Once
every task has succeeded, ``merge OUT/shard-* --out OUT/class`` builds the
class's gradebook from the shards' folders. The file opens with the commands
that run it, as comments.

- ``grade-all.slurm``: a batch script for ``sbatch``: the array ``1-N``, the
  CPUs, memory and time of one task, a GPU only for ``--device cuda``, and one
  log per task, ``OUT/slurm-<job>_<task>.out``. It calls the repository's
  ``.venv/bin/python`` by its absolute path.
- ``grade-all-job.yaml``: a ``batch/v1`` Job of N completions, all at once, in
  an image built from the repository with ``make setup``. Submissions and
  output live on one PersistentVolumeClaim, mounted at their common folder.
  Student code runs as another user (``GRADER_ISOLATION=user``), so the
  container runs as root and asks for no privileges.
"""
from __future__ import annotations

import json
import math
import posixpath
import re
import shlex
from pathlib import Path

import yaml

from grader.authoring.classgrading.submissions import ClassError

SLURM_FILE, KUBERNETES_FILE = "grade-all.slurm", "grade-all-job.yaml"
ENGINES = ("slurm", "kubernetes")
ENGINE_DEVICES = ("cpu", "cuda")
SHARD, CLASS = "shard-", "class"
IMAGE_REPO = "/kit"  # where the image holds the repository (see the manifest's comments)
ISOLATION = "user"


def _check(shards: int, jobs: int, device: str, memory_gb_per_job: float) -> None:
    if shards < 1 or jobs < 1:
        raise ClassError(f"shards and jobs must be at least 1, got shards={shards}, jobs={jobs}")
    if device not in ENGINE_DEVICES:
        raise ClassError(f"device must be one of {', '.join(ENGINE_DEVICES)}, got {device!r}")
    if not memory_gb_per_job > 0:
        raise ClassError(f"memory_gb_per_job must be positive, got {memory_gb_per_job}")


def _memory_gb(jobs: int, memory_gb_per_job: float) -> int:
    """Returns the whole GiB one task asks for: ``jobs`` graders of ``memory_gb_per_job`` each."""
    return math.ceil(jobs * memory_gb_per_job)


def _options(jobs: int, assignment: str | None, rubric: str | None, device: str) -> list[str]:
    """Returns grade-all's options after ``--out``, the same for every engine."""
    options = ["--jobs", str(jobs), "--device", device]
    if assignment:
        options += ["--assignment", assignment]
    if rubric:
        options += ["--rubric", rubric]
    return options


def _job_name(assignment: str | None) -> str:
    """Returns ``grade-all`` or ``grade-<assignment>`` as a Kubernetes name (lower case, digits, ``-``)."""
    name = re.sub(r"[^a-z0-9-]+", "-", f"grade-{assignment}".lower()).strip("-") if assignment else "grade-all"
    return name[:50].rstrip("-")


def _slurm_time(minutes: int) -> str:
    """Returns ``minutes`` as sbatch's ``HH:MM:SS``, or ``D-HH:MM:SS`` from a day on."""
    if minutes < 1:
        raise ClassError(f"minutes must be at least 1, got {minutes}")
    days, rest = divmod(minutes, 24 * 60)
    clock = f"{rest // 60:02d}:{rest % 60:02d}:00"
    return f"{days}-{clock}" if days else clock


def _sbatch_log(out: Path) -> str:
    """Returns the log of each task in ``out``, quoted for a ``#SBATCH`` line (sbatch reads quotes like the
    shell and ``%%`` as ``%``; ``%A`` is the job, ``%a`` the task)."""
    if "\\" in str(out):
        raise ClassError(f"{str(out)!r}: sbatch reads a backslash in a log path as an escape; pick another out")
    return shlex.quote(str(out).replace("%", "%%") + "/slurm-%A_%a.out")


def slurm_script(*, repo: Path, submissions: Path, out: Path, shards: int, jobs: int, assignment: str | None,
                 rubric: str | None, device: str, memory_gb_per_job: float = 2.0, minutes: int = 60) -> str:
    """Returns a batch script for ``sbatch``: a job array of ``shards`` tasks, each grading its share.

    repo: the kit's checkout, holding ``.venv`` (``make setup``); submissions: the
    class (see ``find_students``); out: the folder of the shards' folders and the
    tasks' logs (it must exist when the array starts: ``emit`` creates it);
    jobs: submissions graded at once in one task (its CPUs; ``memory_gb_per_job``
    GiB each); minutes: one task's time limit.
    """
    _check(shards, jobs, device, memory_gb_per_job)
    if any("\n" in str(value) for value in (repo, submissions, out, assignment or "", rubric or "")):
        raise ClassError("a path, the assignment or the rubric holds a newline: sbatch reads a script's options "
                         "line by line; rename it")
    repo, submissions, out = Path(repo).absolute(), Path(submissions).absolute(), Path(out).absolute()
    python = shlex.quote(str(repo / ".venv/bin/python"))
    merge = f".venv/bin/python -m grader merge {shlex.quote(str(out))}/{SHARD}* --out {shlex.quote(str(out / CLASS))}"
    sbatch = [f"--job-name={_job_name(assignment)}", f"--array=1-{shards}", f"--cpus-per-task={jobs}",
              f"--mem={_memory_gb(jobs, memory_gb_per_job)}G", f"--time={_slurm_time(minutes)}",
              f"--output={_sbatch_log(out)}"]
    if device == "cuda":
        sbatch.append("--gres=gpu:1")
    grade = [python, "-m", "grader", "grade-all", shlex.quote(str(submissions)),
             "--out", f'"$OUT/{SHARD}${{SLURM_ARRAY_TASK_ID}}"',
             *map(shlex.quote, _options(jobs, assignment, rubric, device))]
    lines = [
        "#!/bin/bash",
        f"# Grades the class in {shards} shards (a SLURM job array), then merges them into {out / CLASS}.",
        f"# From the folder of this file ({SLURM_FILE}):",
        f"#   jobid=$(sbatch --parsable {SLURM_FILE})",
        f"#   sbatch --dependency=afterok:$jobid --chdir={shlex.quote(str(repo))} --wrap {shlex.quote(merge)}",
        *(f"#SBATCH {option}" for option in sbatch),
        "set -euo pipefail",
        ': "${SLURM_ARRAY_TASK_ID:?submit this script with sbatch: each task of the array grades one shard}"',
        f"cd {shlex.quote(str(repo))}",
        f"OUT={shlex.quote(str(out))}",
        "exec " + " ".join(grade),
    ]
    return "\n".join(lines) + "\n"


def _container_path(path: str, what: str) -> str:
    if not posixpath.isabs(path) or "$" in path or "\n" in path:
        raise ClassError(f"{what} {path!r}: give an absolute path in the container, without '$' "
                         "(Kubernetes expands $(...) in a command) or a newline")
    return posixpath.normpath(path)


def _mount(submissions: str, out: str) -> str:
    """Returns the folder where the volume is mounted: the deepest one holding both submissions and out."""
    common = posixpath.commonpath([submissions, out])
    if common == "/":
        raise ClassError(f"submissions {submissions!r} and out {out!r} must be two folders under one mount "
                         "folder of the volume, e.g. /grading/submissions and /grading/out")
    return common


def kubernetes_manifest(*, image: str, submissions: str, out: str, shards: int, jobs: int, assignment: str | None,
                        rubric: str | None, device: str, memory_gb_per_job: float = 2.0,
                        volume_claim: str = "grading") -> str:
    """Returns the YAML of a ``batch/v1`` Indexed Job of ``shards`` pods, each grading its share.

    image: built from the repository (the comments at the top say how);
    submissions, out: absolute paths in the container, both on the volume of the
    PersistentVolumeClaim ``volume_claim``; jobs: submissions graded at once in
    one pod (its CPUs; ``memory_gb_per_job`` GiB each).
    """
    _check(shards, jobs, device, memory_gb_per_job)
    submissions, out = _container_path(submissions, "submissions"), _container_path(out, "out")
    mount, name = _mount(submissions, out), _job_name(assignment)
    volumes = [{"name": "grading", "persistentVolumeClaim": {"claimName": volume_claim}}]
    mounts = [{"name": "grading", "mountPath": mount}]
    grade = " ".join(["exec python -m grader grade-all", shlex.quote(submissions),
                      "--out", f'{shlex.quote(out)}/{SHARD}"${{JOB_COMPLETION_INDEX}}"',
                      *map(shlex.quote, _options(jobs, assignment, rubric, device))])
    amount = {"cpu": str(jobs), "memory": f"{_memory_gb(jobs, memory_gb_per_job)}Gi"}
    limits = {**amount, "nvidia.com/gpu": 1} if device == "cuda" else dict(amount)
    container = {
        "name": "grade-all",
        "image": image,
        "workingDir": IMAGE_REPO,
        "command": ["sh", "-c", grade],
        "env": [{"name": "GRADER_SHARDS", "value": str(shards)}, {"name": "GRADER_ISOLATION", "value": ISOLATION}],
        "resources": {"requests": amount, "limits": limits},
        "securityContext": {"runAsUser": 0},
        "volumeMounts": mounts,
    }
    job = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": name, "labels": {"app": "grader"}},
        "spec": {
            "completionMode": "Indexed",
            "completions": shards,
            "parallelism": shards,
            "backoffLimit": shards,
            "template": {"metadata": {"labels": {"app": "grader"}},
                         "spec": {"restartPolicy": "Never", "containers": [container], "volumes": volumes}},
        },
    }
    merge = posixpath.join(out, SHARD) + "*"
    merge_pod = {"apiVersion": "v1", "spec": {"restartPolicy": "Never", "volumes": volumes, "containers": [{
        "name": f"{name}-merge", "image": image, "workingDir": IMAGE_REPO, "volumeMounts": mounts,
        "command": ["sh", "-c", f"exec python -m grader merge {shlex.quote(out)}/{SHARD}* "
                                f"--out {shlex.quote(posixpath.join(out, CLASS))}"]}]}}
    comments = [
        f"Grades the class in {shards} shards (a Kubernetes Indexed Job), then merges {merge} into "
        f"{posixpath.join(out, CLASS)}.",
        "The image, built from the repository (make setup installs bubblewrap and .venv):",
        "  FROM python:3.11-slim",
        "  RUN apt-get update && apt-get install -y --no-install-recommends make",
        f"  COPY . {IMAGE_REPO}",
        f"  WORKDIR {IMAGE_REPO}",
        "  RUN make setup",
        f"  ENV PATH={IMAGE_REPO}/.venv/bin:$PATH",
        f"Student code runs as another user (GRADER_ISOLATION={ISOLATION}): the container runs as root, and asks",
        "for no privileges (the namespaces of bubblewrap are not used here).",
        f"Submissions and output live on the PersistentVolumeClaim {volume_claim!r}, mounted at {mount}.",
        "Run it, then merge once every pod has succeeded:",
        f"  kubectl apply -f {KUBERNETES_FILE}",
        f"  kubectl wait --for=condition=complete --timeout=24h job/{name}",
        f"  kubectl run {name}-merge -i --rm --restart=Never --image={shlex.quote(image)} "
        f"--overrides={shlex.quote(json.dumps(merge_pod, separators=(',', ':')))}",
    ]
    return "".join(f"# {line}\n" for line in comments) + yaml.safe_dump(job, sort_keys=False)


def emit(kind: str, out: Path, /, **settings) -> Path:
    """Returns the path of the job file written into ``out``: ``grade-all.slurm`` or ``grade-all-job.yaml``.

    kind: ``slurm`` or ``kubernetes``; settings: the arguments of
    ``slurm_script`` or ``kubernetes_manifest``. For SLURM, ``out`` is also the
    grading output unless settings give another ``out``.
    """
    if kind not in ENGINES:
        raise ClassError(f"unknown engine {kind!r}: choose one of {', '.join(ENGINES)}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    if kind == "slurm":
        path, text = out / SLURM_FILE, slurm_script(**{"out": out, **settings})
    else:
        path, text = out / KUBERNETES_FILE, kubernetes_manifest(**settings)
    path.write_text(text)
    return path
