"""``python -m grader grade-all SUBMISSIONS --out DIR``: a whole class graded, each submission exactly as ``grade``.

Each submission is graded by its own ``python -m grader grade`` process (the
same intake, sandbox, suites and training runs; a crash or a hang costs that
submission alone), ``--jobs`` at a time, into ``DIR/<id>/results.json``.
Beside it, ``grading.json`` records who submitted and when (``Student.recorded``),
the status, the wall and CPU seconds, the ``weights:`` it was graded with, and two
hashes: of the submission's content and of everything else that decides a grade
(the rubric less its weights, the course, the tests, the configs, the grading
code). A rerun grades only the submissions whose hashes changed (or whose
grading did not finish), so an interrupted run resumes where it stopped; one
whose weights alone changed is reweighted from its recorded outcomes
(``reweight.py``), and a ``weights:`` pattern that matches no test stops the run.

Then the tables, the pages, the report and the uploads (``publish.py``), the
similarity screening (``similarity.py``) and, with ``--compare``, what changed
against an earlier gradebook. ``--shard I/N`` (or a SLURM array or Kubernetes
Indexed Job index) grades one share; ``merge`` builds the class's tables from
the shares' folders; ``--emit`` writes the job file of either engine
(``engines.py``).
"""
from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from grader.authoring.classgrading import engines
from grader.authoring.classgrading.freshness import grading_key
from grader.authoring.classgrading.gradebook import (FAILED, GRADED, META, NOT_GRADED, REJECTED, RESULTS, TIMED_OUT,
                                                     Gradebook, read_graded)
from grader.authoring.classgrading.publish import finish
from grader.authoring.classgrading.reweight import Reweigher
from grader.authoring.classgrading.submissions import (ClassError, Student, content_hash, find_students, parse_shard,
                                                       shard, shard_from_env)
from grader.contract import REPO
from grader.course import CourseError
from grader.grading.pipeline import chosen_assignment
from grader.grading.rubric import DEFAULT_RUBRIC, RubricError, load_rubric

GRACE_S = 120        # beyond the rubric's own budget, before a grade process is killed
RETRIED = (NOT_GRADED, FAILED, TIMED_OUT, "interrupted")
"""Statuses of a grade that did not finish for reasons other than the submission: graded again on the next run."""
@dataclass(frozen=True)
class Settings:
    """How every submission of the run is graded."""

    out: Path
    key: str
    assignment: str | None = None
    rubric: str | None = None
    device: str = "cpu"
    isolation: str = "auto"
    timeout_s: float = 540 + GRACE_S
    retry: bool = False
    weights: dict = field(default_factory=dict)
    """The rubric's ``weights:``, recorded with each grade (a change of them alone is reweighted)."""

    def command(self, student: Student) -> list[str]:
        cmd = [sys.executable, "-m", "grader", "grade", str(student.path.resolve()),
               "--results", str(self.out / student.id / RESULTS), "--quiet", "--device", self.device,
               "--isolation", self.isolation]
        cmd += ["--assignment", self.assignment] if self.assignment else []
        cmd += ["--rubric", str(Path(self.rubric).resolve())] if self.rubric else []
        cmd += ["--metadata", str(self.out / student.id / METADATA)] if student.submitted else []
        return cmd


METADATA = "metadata.json"
"""What ``grade --metadata`` reads of an exported submission (when it was submitted, its due dates), so that the
rubric's late policy applies in class grading as it does on Gradescope."""


def write_metadata(student: Student, folder: Path) -> None:
    """Writes, for a submission whose export says when it was submitted, the metadata Gradescope gives its
    autograder: ``created_at``, the assignment's due date and each member (own due dates are not exported)."""
    if student.submitted:
        meta = {"created_at": student.submitted, "assignment": {"due_date": student.due} if student.due else {},
                "users": [{"name": m.name, "email": m.email, "sid": m.sid} for m in student.members],
                "previous_submissions": []}
        (folder / METADATA).write_text(json.dumps(meta, indent=1) + "\n")


def up_to_date(student: Student, settings: Settings, content: str) -> bool:
    """Whether ``student``'s grade in the output folder is for this content and this grading, and finished."""
    folder = settings.out / student.id
    try:
        meta = json.loads((folder / META).read_text())
    except (OSError, ValueError):
        return False
    return (meta.get("content") == content and meta.get("key") == settings.key
            and meta.get("status") not in RETRIED and (folder / RESULTS).is_file())


def _status(code: int | None, results: Path) -> str:
    if code is None:
        return TIMED_OUT
    if code == 2:
        return NOT_GRADED
    if code != 0:
        return FAILED
    try:
        output = json.loads(results.read_text()).get("output", "")
    except (OSError, ValueError):
        return FAILED
    return REJECTED if "Your submission was not graded" in output else GRADED


def _sandbox_cpu(results: Path) -> float:
    """Returns the CPU seconds the grade's sandbox reported (bubblewrap hides them from the grade's resource usage)."""
    try:
        return float(json.loads(results.read_text()).get("extra_data", {}).get("sandbox_cpu_s", 0.0))
    except (OSError, ValueError, TypeError, AttributeError):
        return 0.0


class Pool:
    """The grade processes running now: each in its own session, so that it can be stopped with all it started."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running: set[int] = set()
        self.stopping = False

    def run(self, cmd: list[str], log: Path, timeout: float) -> tuple[int | None, float, float]:
        """Returns (exit code or None when killed at ``timeout``, wall seconds, CPU seconds of it and its children)."""
        start = time.monotonic()
        with open(log, "wb") as sink:
            proc = subprocess.Popen(cmd, stdout=sink, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                    cwd=REPO, start_new_session=True)
        with self.lock:
            self.running.add(proc.pid)
        code: int | None = None
        try:
            while True:
                pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    code = os.waitstatus_to_exitcode(status)
                    proc.returncode = code
                    break
                if time.monotonic() - start > timeout or self.stopping:
                    self.kill(proc.pid)
                    _, status, usage = os.wait4(proc.pid, 0)
                    proc.returncode = os.waitstatus_to_exitcode(status)
                    break
                time.sleep(0.1)
        finally:
            with self.lock:
                self.running.discard(proc.pid)
        return code, time.monotonic() - start, usage.ru_utime + usage.ru_stime

    @staticmethod
    def kill(pid: int) -> None:
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass

    def stop(self) -> None:
        """Stops every grade process now (an interrupted run resumes later)."""
        self.stopping = True
        with self.lock:
            for pid in list(self.running):
                self.kill(pid)


def grade_one(student: Student, settings: Settings, content: str, pool: Pool) -> dict:
    """Grades one submission into ``out/<id>/``; returns its ``grading.json``."""
    folder = settings.out / student.id
    folder.mkdir(parents=True, exist_ok=True)
    results = folder / RESULTS
    results.unlink(missing_ok=True)
    write_metadata(student, folder)
    code, seconds, cpu = pool.run(settings.command(student), folder / "grade.log", settings.timeout_s)
    status = "interrupted" if pool.stopping else _status(code, results)
    cpu += _sandbox_cpu(results)
    if not results.is_file():  # killed before it wrote: the results say so, like every grade does
        from grader.grading.results import Results
        stopped = Results()
        stopped.note(f"This submission was not graded: the grader {status} after {seconds:.0f} s. "
                     "This is not a problem of your code. Please tell the course staff.")
        stopped.write(results)
    meta = {"id": student.id, **student.recorded(), "source": str(student.path), "content": content,
            "key": settings.key, "status": status, "returncode": code, "seconds": round(seconds, 2),
            "cpu_s": round(cpu, 2), "assignment": settings.assignment or "", "device": settings.device,
            "weights": dict(settings.weights)}
    (folder / META).write_text(json.dumps(meta, indent=1) + "\n")
    return meta


def _kept(student: Student, settings: Settings, weigher: Reweigher | None) -> bool:
    """Brings the grade of ``student``, up to date but for who submitted it or the weights, up to date: records
    who (the export may name them anew), reweights it; returns whether it was reweighted."""
    path = settings.out / student.id / META
    meta = json.loads(path.read_text())
    if any(meta.get(k) != v for k, v in student.recorded().items()):
        path.write_text(json.dumps({**meta, **student.recorded()}, indent=1) + "\n")
    if weigher is None or meta.get("weights") == settings.weights:
        return False
    weigher.folder(settings.out / student.id)
    return True


class Progress:
    """One line per finished submission (a bar on a terminal): done, failed, and the time left."""

    def __init__(self, total: int, jobs: int, stream=sys.stderr) -> None:
        self.total, self.jobs, self.stream = total, jobs, stream
        self.done = self.failed = 0
        self.start = time.monotonic()
        self.bar = None
        if total and stream.isatty():
            from tqdm import tqdm
            self.bar = tqdm(total=total, file=stream, unit="submission", dynamic_ncols=True)

    def update(self, meta: dict, score: str) -> None:
        self.done += 1
        self.failed += meta["status"] in RETRIED
        elapsed = time.monotonic() - self.start
        left = elapsed / self.done * (self.total - self.done)
        if self.bar is not None:
            self.bar.set_postfix_str(f"failed {self.failed}")
            self.bar.update(1)
            return
        print(f"[{self.done}/{self.total}] {meta['id']}: {meta['status']} {score} ({meta['seconds']:.0f} s); "
              f"failed {self.failed}; about {_duration(left)} left", file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 60} min {seconds % 60:02d} s" if seconds >= 60 else f"{seconds} s"


def grade_class(students: list[Student], settings: Settings, jobs: int,
                weigher: Reweigher | None = None) -> tuple[list[dict], int]:
    """Grades every student not up to date, ``jobs`` at a time (with ``settings.retry``, then once more each one
    that was not graded), and reweights with ``weigher`` each one up to date but for the weights; returns (every
    student's grading.json, how many were graded now)."""
    contents = {s.id: content_hash(s.path) for s in students}
    todo = [s for s in students if not up_to_date(s, settings, contents[s.id])]
    print(f"grade-all: {len(students)} submissions, {len(students) - len(todo)} already graded, "
          f"{len(todo)} to grade with {jobs} at a time", flush=True)
    reweighted = sum(_kept(s, settings, weigher) for s in students if s not in todo)
    if reweighted:
        print(f"grade-all: only the rubric's weights changed for {reweighted} graded submissions: reweighted from "
              "their recorded outcomes, not graded again", flush=True)
    _grade_each(todo, settings, contents, jobs)
    again = [s for s in todo if settings.retry and not up_to_date(s, settings, contents[s.id])]
    if again:
        print(f"grade-all: --retry: grading again the {len(again)} submissions that were not graded", flush=True)
        _grade_each(again, settings, contents, jobs)
    metas = [json.loads((settings.out / s.id / META).read_text()) for s in students]
    return metas, len(todo)


def _grade_each(todo: list[Student], settings: Settings, contents: dict[str, str], jobs: int) -> None:
    pool, progress = Pool(), Progress(len(todo), jobs)
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(jobs, 1)) as executor:
            futures = {executor.submit(grade_one, s, settings, contents[s.id], pool): s for s in todo}
            try:
                for future in concurrent.futures.as_completed(futures):
                    meta = future.result()
                    graded = read_graded(settings.out / meta["id"])
                    progress.update(meta, f"{graded.total:g}/{graded.max_total:g}")
            except BaseException:
                pool.stop()
                for f in futures:
                    f.cancel()
                raise
    finally:
        progress.close()


def _screen(students: list[Student], out: Path, assignment_name: str | None, work: Path) -> None:
    """Screens the class for copied code into ``out/similarity.html`` and ``similarity.csv``."""
    from grader.authoring.classgrading import similarity
    from grader.contract import STUDENT
    from grader.course import assignment

    only = list(assignment(assignment_name).required) if assignment_name else None
    print("grade-all: screening for similar code", flush=True)
    pairs = similarity.screen_students(students, STUDENT, similarity.THRESHOLD, only, work)
    similarity.write(out, pairs, similarity.THRESHOLD, submissions=len(students), files=only)
    above = [p for p in pairs if p.similarity >= similarity.THRESHOLD]
    print(f"grade-all: {len(above)} pairs at or above similarity {similarity.THRESHOLD:.2f}"
          + (f", the most similar {above[0].a} and {above[0].b} ({above[0].similarity:.2f})" if above else ""))


def _shard_of(args: argparse.Namespace) -> tuple[int, int] | None:
    return parse_shard(args.shard) if args.shard else shard_from_env()


def _emit(args: argparse.Namespace, out: Path) -> int:
    shards = args.shards or 1
    if args.emit == "slurm":
        path = engines.emit("slurm", out, repo=REPO, submissions=Path(args.submissions).resolve(), out=out,
                            shards=shards, jobs=args.jobs or 2, assignment=args.assignment, rubric=args.rubric,
                            device=args.device, **engines.options_of(args))
    else:
        path = engines.emit("kubernetes", out, image=args.image, submissions=args.submissions, out=str(out),
                            shards=shards, jobs=args.jobs or 2, assignment=args.assignment, rubric=args.rubric,
                            device=args.device, **engines.options_of(args))
    print(f"grade-all: wrote {path} ({args.emit}, {shards} shards); the commands to run it are at its top")
    return 0


def main(args: argparse.Namespace) -> int:
    """``python -m grader grade-all SUBMISSIONS --out DIR [--assignment] [--jobs] [--shard I/N] [--compare OLD]``."""
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    try:
        if args.emit:
            return _emit(args, out)
        rubric_path = Path(args.rubric or DEFAULT_RUBRIC).resolve()
        rubric = load_rubric(rubric_path)
        chosen_assignment(args)  # an unknown assignment stops here, before anything is graded
        weigher = Reweigher(rubric)
        weigher.check()  # and a weights: pattern that matches no test
        with tempfile.TemporaryDirectory(prefix="grade-all-") as work:
            students = [s for s in find_students(Path(args.submissions), work=Path(work))
                        if not (s.path.resolve() == out or out in s.path.resolve().parents)]  # not our own output
            part = _shard_of(args)
            if part is not None:
                students = shard(students, *part)
                print(f"grade-all: shard {part[0]} of {part[1]}: {len(students)} submissions", flush=True)
            settings = Settings(out=out, key=grading_key(rubric_path, args.assignment, args.device),
                                assignment=args.assignment, rubric=args.rubric, device=args.device,
                                isolation=args.isolation, timeout_s=rubric.limits.budget_s + GRACE_S,
                                retry=args.retry, weights=dict(rubric.weights))
            start = time.monotonic()
            jobs = args.jobs or os.cpu_count() or 1
            try:
                metas, graded = grade_class(students, settings, jobs, weigher)
            except KeyboardInterrupt:
                print("\ngrade-all: interrupted; run the same command again to grade what is left", flush=True)
                return 130
            print(f"grade-all: graded {graded} submissions in {_duration(time.monotonic() - start)}", flush=True)
            if args.similarity and part is None:
                _screen(students, out, args.assignment, Path(work) / "similarity")
            book = Gradebook([read_graded(out / m["id"]) for m in metas])
            status = finish(out, book, Path(args.compare) if args.compare else None, "grade-all",
                            args.format or ())
    except (ClassError, RubricError, CourseError) as exc:  # said in one line, before anything is graded
        print(f"grade-all: {exc}")
        return 2
    return status


def merge_main(args: argparse.Namespace) -> int:
    """``python -m grader merge DIR... --out DIR``: one gradebook and report from the shares' output folders."""
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    seen: dict[str, Path] = {}
    problems = engines.shard_problems(args.folders)  # a folder that is not there is one: merged without it
    for folder in map(Path, args.folders):
        for meta in sorted(folder.glob(f"*/{META}")):
            sub = meta.parent
            if sub.name in seen and seen[sub.name].resolve() != sub.resolve():
                print(f"merge: {sub.name} is in both {seen[sub.name].parent} and {folder}")
                return 2
            seen[sub.name] = sub
    for name, sub in sorted(seen.items()):
        if sub.resolve() != (out / name).resolve():
            shutil.copytree(sub, out / name, dirs_exist_ok=True)
    book = Gradebook([read_graded(out / name) for name in sorted(seen)])
    print(f"merge: {len(seen)} submissions from {len(args.folders)} folders")
    status = finish(out, book, Path(args.compare) if args.compare else None, "merge", args.format or ())
    print(f"  similarity across the shares: python -m grader similarity SUBMISSIONS --out {out}")
    for line in problems:
        print(f"merge: {line}")
    return status or int(bool(problems))
