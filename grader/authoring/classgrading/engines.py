"""Job files that grade a class beyond one machine: a SLURM job array or a Kubernetes Indexed Job, then the merge.

Both engines run ``grade-all`` N times, into ``OUT/shard-<i>``: each task reads
its share from what the engine sets (``SLURM_ARRAY_TASK_ID``, written into
``--shard I/N``, or ``JOB_COMPLETION_INDEX`` among ``GRADER_SHARDS``; see
``shard_from_env``). Then ``merge OUT/shard-<each i> --out OUT/class`` builds
the class's gradebook from the shards' folders, however the tasks ended: a
shard that failed never blocks it; the merge names what is missing or not
graded (``shard_problems``) and exits with 1. Each file opens with the
commands that run it, as comments.

- ``grade-all.slurm``: a batch script for ``sbatch``: the array ``1-N``, the
  CPUs of one task, a GPU only for ``--device cuda``, one log per task,
  ``OUT/slurm-<job>_<task>.out``, and ``--partition``, ``--account``,
  ``--time`` and ``--mem`` only where given (the cluster's defaults apply
  otherwise). ``grade-all-merge.slurm``, submitted with
  ``--dependency=afterany`` on the array, merges; its log is
  ``OUT/slurm-merge-<job>.out``. Both call the repository's
  ``.venv/bin/python`` by its absolute path.
- ``grade-all-job.yaml``: two ``batch/v1`` Jobs, in an image built from the
  repository with ``make setup``. The grading Job has N completions, all at
  once, one retry per index (``backoffLimitPerIndex``: a failing shard costs
  no other), and a deadline (``--time``, default a day). Each pod writes
  ``OUT/shard-<i>.ended`` when it succeeded or failed for the last time. The
  merge Job waits for every shard's mark, at most until the grading Job's
  deadline has passed, then merges. Submissions and output live on one
  PersistentVolumeClaim, mounted at their common folder. Student code runs as
  another user (``GRADER_ISOLATION=user``), so the containers run as root and
  ask for no privileges.
"""
from __future__ import annotations

import json
import math
import posixpath
import re
import shlex
from pathlib import Path

import yaml

from grader.authoring.classgrading.gradebook import GRADEBOOK, GRADED, META, REJECTED, RESULTS
from grader.authoring.classgrading.submissions import ClassError

SLURM_FILE, SLURM_MERGE_FILE, KUBERNETES_FILE = "grade-all.slurm", "grade-all-merge.slurm", "grade-all-job.yaml"
ENGINES = ("slurm", "kubernetes")
ENGINE_DEVICES = ("cpu", "cuda")
SHARD, CLASS, ENDED = "shard-", "class", ".ended"
IMAGE_REPO = "/kit"  # where the image holds the repository (see the manifest's comments)
ISOLATION = "user"
MEMORY_GB_PER_JOB = 2    # a pod's memory by default: per submission graded at once
KUBERNETES_TIME = "1-00:00:00"  # the grading Job's deadline by default
RETRIES = 1              # per shard (Kubernetes): grade-all resumes, so a retry grades only what is left
MERGE_MARGIN_S, MERGE_S, POLL_S = 300, 3600, 30  # the merge's wait beyond the deadline, its own run, its polling
_TIME = re.compile(r"(?:(\d+)-)?(\d+)(?::(\d+))?(?::(\d+))?")
_MEM = re.compile(r"([1-9]\d*)([KMGT]?)", re.IGNORECASE)
_NAME = re.compile(r"[\w.-]+")


def _check(shards: int, jobs: int, device: str) -> None:
    if shards < 1 or jobs < 1:
        raise ClassError(f"shards and jobs must be at least 1, got shards={shards}, jobs={jobs}")
    if device not in ENGINE_DEVICES:
        raise ClassError(f"device must be one of {', '.join(ENGINE_DEVICES)}, got {device!r}")


def seconds_of(time: str) -> int:
    """Returns the seconds of a time limit written as sbatch reads it: ``minutes``, ``minutes:seconds``,
    ``hours:minutes:seconds``, ``days-hours``, ``days-hours:minutes`` or ``days-hours:minutes:seconds``."""
    match = _TIME.fullmatch(str(time).strip())
    if not match:
        raise ClassError(f"--time {time!r}: write HH:MM:SS, D-HH:MM:SS or minutes, as sbatch reads it")
    days, parts = match[1], [int(p) for p in match.groups()[1:] if p is not None]
    units = (3600, 60, 1) if days is not None else {1: (60,), 2: (60, 1), 3: (3600, 60, 1)}[len(parts)]
    seconds = int(days or 0) * 86400 + sum(p * u for p, u in zip(parts, units))
    if seconds < 1:
        raise ClassError(f"--time {time!r}: give a limit of at least a second")
    return seconds


def _clock(seconds: int) -> str:
    """Returns ``seconds`` as sbatch's ``HH:MM:SS``, or ``D-HH:MM:SS`` from a day on."""
    days, rest = divmod(seconds, 86400)
    clock = f"{rest // 3600:02d}:{rest % 3600 // 60:02d}:{rest % 60:02d}"
    return f"{days}-{clock}" if days else clock


def _memory(mem: str) -> tuple[int, str]:
    """Returns (amount, unit K, M, G or T) of a memory size as sbatch reads it (binary units, M by default)."""
    match = _MEM.fullmatch(str(mem).strip())
    if not match:
        raise ClassError(f"--mem {mem!r}: write a positive size such as 4G or 4000M, as sbatch reads it")
    return int(match[1]), (match[2] or "M").upper()


def _job_name(assignment: str | None) -> str:
    """Returns ``grade-all`` or ``grade-<assignment>`` as a Kubernetes name (lower case, digits, ``-``)."""
    name = re.sub(r"[^a-z0-9-]+", "-", f"grade-{assignment}".lower()).strip("-") if assignment else "grade-all"
    return name[:50].rstrip("-")


def _sbatch_log(out: Path, name: str) -> str:
    """Returns the log ``out/name`` quoted for a ``#SBATCH`` line (sbatch reads quotes like the shell and ``%%``
    as ``%``; in ``name``, ``%A`` is the job, ``%a`` the task, ``%j`` a job's own id)."""
    if "\\" in str(out):
        raise ClassError(f"{str(out)!r}: sbatch reads a backslash in a log path as an escape; pick another out")
    return shlex.quote(str(out).replace("%", "%%") + "/" + name)


def _slurm(repo: Path, submissions: Path, out: Path, shards: int, jobs: int, assignment: str | None,
           rubric: str | None, device: str, partition: str | None, account: str | None, time: str | None,
           mem: str | None) -> tuple[Path, Path, list[str]]:
    """Checks the settings of both scripts; returns (repo, out, the #SBATCH options they share) as absolute."""
    _check(shards, jobs, device)
    if any("\n" in str(value) for value in (repo, submissions, out, assignment or "", rubric or "")):
        raise ClassError("a path, the assignment or the rubric holds a newline: sbatch reads a script's options "
                         "line by line; rename it")
    shared = []
    for option, value, form in (("partition", partition, r"[\w.-]+(,[\w.-]+)*"), ("account", account, _NAME.pattern)):
        if value is not None and not re.fullmatch(form, value):
            raise ClassError(f"--{option} {value!r}: a SLURM {option} name is letters, digits, '.', '_' and '-'")
        shared += [f"--{option}={value}"] if value is not None else []
    shared += [f"--time={_clock(seconds_of(time))}"] if time is not None else []
    shared += ["--mem={}{}".format(*_memory(mem))] if mem is not None else []
    return Path(repo).absolute(), Path(out).absolute(), shared


def slurm_script(*, repo: Path, submissions: Path, out: Path, shards: int, jobs: int, assignment: str | None,
                 rubric: str | None, device: str, partition: str | None = None, account: str | None = None,
                 time: str | None = None, mem: str | None = None) -> str:
    """Returns a batch script for ``sbatch``: a job array of ``shards`` tasks, each grading its share.

    repo: the kit's checkout, holding ``.venv`` (``make setup``); submissions: the
    class (see ``find_students``); out: the folder of the shards' folders, the
    job files and the logs (it must exist when the array starts: ``emit``
    creates it); jobs: submissions graded at once in one task (its CPUs);
    partition, account, time (one task's limit, as sbatch writes it) and mem
    (one task's memory, as ``4G``): written only where given.
    """
    repo, out, shared = _slurm(repo, submissions, out, shards, jobs, assignment, rubric, device, partition,
                               account, time, mem)
    python = shlex.quote(str(repo / ".venv/bin/python"))
    sbatch = [f"--job-name={_job_name(assignment)}", f"--array=1-{shards}", f"--cpus-per-task={jobs}", *shared,
              f"--output={_sbatch_log(out, 'slurm-%A_%a.out')}"]
    if device == "cuda":
        sbatch.append("--gres=gpu:1")
    options = ["--jobs", str(jobs), "--device", device]
    options += ["--assignment", assignment] if assignment else []
    options += ["--rubric", rubric] if rubric else []
    grade = [python, "-m", "grader", "grade-all", shlex.quote(str(Path(submissions).absolute())),
             "--out", f'"$OUT/{SHARD}${{SLURM_ARRAY_TASK_ID}}"', "--shard", f'"${{SLURM_ARRAY_TASK_ID}}/{shards}"',
             *map(shlex.quote, options)]
    lines = [
        "#!/bin/bash",
        f"# Grades the class in {shards} shards (a SLURM job array), then merges them into {out / CLASS}.",
        f"# From the folder of this file ({out}):",
        f"#   jobid=$(sbatch --parsable {SLURM_FILE})",
        f"#   sbatch --dependency=afterany:${{jobid%%;*}} {SLURM_MERGE_FILE}",
        "# The merge runs however the tasks ended and names each shard or submission missing or not graded;",
        "# its log is slurm-merge-<job>.out, here. A task that failed (its log: slurm-<job>_<task>.out):",
        f"#   sbatch --array=I {SLURM_FILE}   grades shard I again (keeping what it graded), then",
        f"#   sbatch {SLURM_MERGE_FILE}",
        *(f"#SBATCH {option}" for option in sbatch),
        "set -euo pipefail",
        ': "${SLURM_ARRAY_TASK_ID:?submit this script with sbatch: each task of the array grades one shard}"',
        f"cd {shlex.quote(str(repo))}",
        f"OUT={shlex.quote(str(out))}",
        "exec " + " ".join(grade),
    ]
    return "\n".join(lines) + "\n"


def slurm_merge_script(*, repo: Path, submissions: Path, out: Path, shards: int, jobs: int,
                       assignment: str | None, rubric: str | None, device: str, partition: str | None = None,
                       account: str | None = None, time: str | None = None, mem: str | None = None) -> str:
    """Returns the batch script of the merge of ``slurm_script``'s shards (the same settings): one task, its log
    ``out/slurm-merge-<job>.out``, merging ``OUT/shard-1`` to ``OUT/shard-<shards>`` into ``OUT/class``."""
    repo, out, shared = _slurm(repo, submissions, out, shards, jobs, assignment, rubric, device, partition,
                               account, time, mem)
    sbatch = [f"--job-name={_job_name(assignment)}-merge", *shared,
              f"--output={_sbatch_log(out, 'slurm-merge-%j.out')}"]
    lines = [
        "#!/bin/bash",
        f"# Merges the {shards} shards of {SLURM_FILE} into {out / CLASS}, however its tasks ended: it names",
        "# each shard or submission missing or not graded, and then fails. Submit it as the top of",
        f"# {SLURM_FILE} says, or run it: bash {SLURM_MERGE_FILE}",
        *(f"#SBATCH {option}" for option in sbatch),
        "set -euo pipefail",
        f"cd {shlex.quote(str(repo))}",
        f"OUT={shlex.quote(str(out))}",
        f'exec {shlex.quote(str(repo / ".venv/bin/python"))} -m grader merge "$OUT"/{SHARD}{{1..{shards}}} '
        f'--out "$OUT/{CLASS}"',
    ]
    return "\n".join(lines) + "\n"


class _Dumper(yaml.SafeDumper):
    """Writes a string of several lines (a pod's shell command) as a block, line by line."""


_Dumper.add_representer(str, lambda dumper, text: dumper.represent_scalar(
    "tag:yaml.org,2002:str", text, style="|" if "\n" in text else None))


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


def _wait_and_merge(out: str, shards: int) -> str:
    """Returns the merge Job's shell command: it waits until every shard's mark is newer than the merge's start
    (a mark of an earlier run does not count), at most ``$GRADER_WAIT_S`` seconds, then merges every shard."""
    q = shlex.quote(out)
    folders = " ".join(f"{q}/{SHARD}{i}" for i in range(shards))
    return "\n".join([
        f"start={q}/.merge-start; : > \"$start\"; end=$(( $(date +%s) + GRADER_WAIT_S ))",
        "while :; do",
        "  left=\"\"",
        f"  for i in {' '.join(map(str, range(shards)))}; do "
        f"[ {q}/{SHARD}\"$i\"{ENDED} -nt \"$start\" ] || left=\"$left {SHARD}$i\"; done",
        "  [ -z \"$left\" ] && break",
        "  if [ \"$(date +%s)\" -ge \"$end\" ]; then",
        "    echo \"merge: after $GRADER_WAIT_S s, these shards have not ended:$left; merging what they left\"; break",
        "  fi",
        "  sleep \"$GRADER_POLL_S\"",
        "done",
        f"exec python -m grader merge {folders} --out {shlex.quote(posixpath.join(out, CLASS))}",
    ])


def kubernetes_manifest(*, image: str, submissions: str, out: str, shards: int, jobs: int, assignment: str | None,
                        rubric: str | None, device: str, time: str | None = None, mem: str | None = None,
                        volume_claim: str = "grading") -> str:
    """Returns the YAML of two ``batch/v1`` Jobs: an Indexed Job of ``shards`` pods, each grading its share, and
    the merge Job, which waits for them (at most ``time`` and a margin) and merges.

    image: built from the repository (the comments at the top say how);
    submissions, out: absolute paths in the container, both on the volume of the
    PersistentVolumeClaim ``volume_claim``; jobs: submissions graded at once in
    one pod (its CPUs); time: the grading Job's deadline, as sbatch writes it
    (default a day); mem: one pod's memory, as sbatch writes it (``4G``;
    default ``MEMORY_GB_PER_JOB`` GiB per job).
    """
    _check(shards, jobs, device)
    submissions, out = _container_path(submissions, "submissions"), _container_path(out, "out")
    mount, name = _mount(submissions, out), _job_name(assignment)
    deadline = seconds_of(time or KUBERNETES_TIME)
    memory = "{}{}i".format(*_memory(mem)) if mem else f"{math.ceil(jobs * MEMORY_GB_PER_JOB)}Gi"
    volumes = [{"name": "grading", "persistentVolumeClaim": {"claimName": volume_claim}}]
    mounts = [{"name": "grading", "mountPath": mount}]
    options = ["--jobs", str(jobs), "--device", device]
    options += ["--assignment", assignment] if assignment else []
    options += ["--rubric", rubric] if rubric else []
    shard = f'{shlex.quote(out)}/{SHARD}"${{JOB_COMPLETION_INDEX}}"'
    grade = "\n".join([
        " ".join(["python -m grader grade-all", shlex.quote(submissions), "--out", shard,
                  *map(shlex.quote, options), "&& code=0 || code=$?"]),
        f'if [ "$code" = 0 ] || [ "${{GRADER_FAILURES:-0}}" -ge {RETRIES} ]; then echo "$code" > {shard}{ENDED}; fi',
        'exit "$code"'])
    amount = {"cpu": str(jobs), "memory": memory}
    limits = {**amount, "nvidia.com/gpu": 1} if device == "cuda" else dict(amount)
    failures = "metadata.annotations['batch.kubernetes.io/job-index-failure-count']"
    container = {
        "name": "grade-all", "image": image, "workingDir": IMAGE_REPO, "command": ["sh", "-c", grade],
        "env": [{"name": "GRADER_SHARDS", "value": str(shards)}, {"name": "GRADER_ISOLATION", "value": ISOLATION},
                {"name": "GRADER_FAILURES", "valueFrom": {"fieldRef": {"fieldPath": failures}}}],
        "resources": {"requests": amount, "limits": limits},
        "securityContext": {"runAsUser": 0}, "volumeMounts": mounts,
    }
    wait = deadline + MERGE_MARGIN_S
    merger = {
        "name": "merge", "image": image, "workingDir": IMAGE_REPO,
        "command": ["sh", "-c", _wait_and_merge(out, shards)],
        "env": [{"name": "GRADER_WAIT_S", "value": str(wait)}, {"name": "GRADER_POLL_S", "value": str(POLL_S)}],
        "resources": {"requests": {"cpu": "1", "memory": "2Gi"}, "limits": {"cpu": "1", "memory": "2Gi"}},
        "securityContext": {"runAsUser": 0}, "volumeMounts": mounts,
    }

    def job(job_name: str, spec: dict, pod: dict) -> dict:
        return {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": job_name, "labels": {"app": "grader"}},
                "spec": {**spec, "template": {"metadata": {"labels": {"app": "grader"}},
                                              "spec": {"restartPolicy": "Never", **pod, "volumes": volumes}}}}

    grading = job(name, {"completionMode": "Indexed", "completions": shards, "parallelism": shards,
                         "backoffLimitPerIndex": RETRIES, "activeDeadlineSeconds": deadline},
                  {"containers": [container]})
    merging = job(f"{name}-merge", {"backoffLimit": 0, "activeDeadlineSeconds": wait + MERGE_S},
                  {"containers": [merger]})
    comments = [
        f"Grades the class in {shards} shards (a Kubernetes Indexed Job, job/{name}), then merges "
        f"{posixpath.join(out, SHARD)}<0 to {shards - 1}> into {posixpath.join(out, CLASS)} (job/{name}-merge).",
        "The image, built from the repository (make setup installs bubblewrap and .venv):",
        "  FROM python:3.11-slim",
        "  RUN apt-get update && apt-get install -y --no-install-recommends make",
        f"  COPY . {IMAGE_REPO}",
        f"  WORKDIR {IMAGE_REPO}",
        "  RUN make setup",
        f"  ENV PATH={IMAGE_REPO}/.venv/bin:$PATH",
        f"Student code runs as another user (GRADER_ISOLATION={ISOLATION}): the containers run as root, and ask",
        "for no privileges (the namespaces of bubblewrap are not used here).",
        f"Submissions and output live on the PersistentVolumeClaim {volume_claim!r}, mounted at {mount}.",
        f"Each shard gets {RETRIES} retry (resuming), and all of them {_clock(deadline)} (activeDeadlineSeconds);",
        f"each writes {posixpath.join(out, SHARD)}<i>{ENDED} when it succeeded or failed for the last time. The merge",
        f"waits for them, at most {_clock(wait)}, merges what there is, names what is missing or not graded,",
        "and then fails if anything is. Run it (both Jobs at once), and read the merge:",
        f"  kubectl apply -f {KUBERNETES_FILE}",
        f"  kubectl logs -f job/{name}-merge",
        f"Again (grade-all keeps what was graded): kubectl delete -f {KUBERNETES_FILE}, then apply it again.",
    ]
    documents = yaml.dump_all([grading, merging], Dumper=_Dumper, sort_keys=False)
    return "".join(f"# {line}\n" for line in comments) + documents


def options_of(args) -> dict:
    """Returns the settings of ``grade-all --emit``'s engine options (``--partition``, ``--account``, ``--time``,
    ``--mem``) given in ``args``; raises ClassError for a SLURM-only one given for Kubernetes."""
    given = {k: getattr(args, k, None) for k in ("partition", "account", "time", "mem")}
    given = {k: v for k, v in given.items() if v is not None}
    slurm_only = sorted({"partition", "account"} & set(given))
    if getattr(args, "emit", None) == "kubernetes" and slurm_only:
        raise ClassError(f"--{' and --'.join(slurm_only)}: SLURM's; a Kubernetes Job has none")
    return given


def emit(kind: str, out: Path, /, **settings) -> Path:
    """Returns the path of the job file written into ``out``: ``grade-all.slurm`` (beside it,
    ``grade-all-merge.slurm``) or ``grade-all-job.yaml``.

    kind: ``slurm`` or ``kubernetes``; settings: the arguments of
    ``slurm_script`` or ``kubernetes_manifest``. For SLURM, ``out`` is also the
    grading output unless settings give another ``out``.
    """
    if kind not in ENGINES:
        raise ClassError(f"unknown engine {kind!r}: choose one of {', '.join(ENGINES)}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    if kind == "kubernetes":
        path, text = out / KUBERNETES_FILE, kubernetes_manifest(**settings)
    else:
        settings = {"out": out, **settings}
        path, text = out / SLURM_FILE, slurm_script(**settings)
        (out / SLURM_MERGE_FILE).write_text(slurm_merge_script(**settings))
    path.write_text(text)
    return path


def shard_problems(folders: list[Path]) -> list[str]:
    """Returns one line for each thing the shards' folders (``grade-all`` outputs) say went wrong, none when
    nothing did: a folder that is not there (its task never graded), a grade-all that did not end (no
    ``gradebook.csv``, or one older than a grade in the folder: killed, out of time or memory; the submissions of
    its share missing from the folder were not graded), a submission whose grading did not end, and each
    submission not graded (its status)."""
    lines = []
    for folder in map(Path, folders):
        if not folder.is_dir():
            lines.append(f"{folder}: missing: its task graded nothing (see its log); grade that shard again, then "
                         "merge again")
            continue
        subs = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
        book = folder / GRADEBOOK
        stamps = [p.stat().st_mtime for sub in subs for p in (sub / "grade.log", sub / META) if p.is_file()]
        if not book.is_file() or any(stamp > book.stat().st_mtime for stamp in stamps):
            lines.append(f"{folder}: its grade-all did not end (killed? out of time or memory?): the submissions "
                         "of its share without a folder there were not graded; grade that shard again (it keeps "
                         "what it graded), then merge again")
        for sub in subs:
            meta = sub / META
            if not meta.is_file() or not (sub / RESULTS).is_file() or (
                    (sub / "grade.log").is_file() and (sub / "grade.log").stat().st_mtime > meta.stat().st_mtime):
                lines.append(f"{folder.name}/{sub.name}: its grading did not end")
                continue
            try:
                status = json.loads(meta.read_text()).get("status")
            except (OSError, ValueError, AttributeError):
                status = "unreadable grading.json"
            if status not in (GRADED, REJECTED):
                lines.append(f"{folder.name}/{sub.name}: {status}")
    return lines
