"""grade-all's SLURM job files on a real cluster: one node (this machine), with its own munged, slurmctld and slurmd.

The cluster lives in a temporary folder (configuration, key, state, spool, logs,
pid files), listens on free ports, tracks processes without cgroups
(``proctrack/linuxproc``, ``task/none``) and keeps no accounting; it is stopped
by its daemons' pids, always, and nothing it started outlives the test. Debian's
slurm-wlm and munge are installed with apt-get where they are missing; the test
is skipped, saying so, only where apt-get cannot install them. ``make
test-slurm`` runs it (``make test`` calls that target).
"""
from __future__ import annotations

import csv
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from grader.authoring.classgrading.submissions import find_students, shard
from grader.contract import REPO
from tests.grader.helpers import rubric, submission

PACKAGES = ("slurm-wlm", "munge")
COMMANDS = ("munged", "slurmctld", "slurmd", "sbatch", "scontrol", "sinfo", "scancel")
MARK = "GRADER_TEST_SLURM"
"""In the environment of every process the cluster starts (daemons and jobs): how they are found at the end."""
WAIT_S = 300      # the longest any wait for the cluster lasts
APT_S = 600       # the longest apt-get may take
ENDED = ("COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL", "PREEMPTED", "BOOT_FAIL",
         "DEADLINE")


def install() -> str | None:
    """Installs slurm-wlm and munge with apt-get where a command of theirs is missing; returns why they cannot
    be installed here, or None once they are."""
    if os.geteuid() != 0:
        return "the cluster needs root (its slurmd runs jobs as their users), and apt-get to install it"
    if all(shutil.which(c) for c in COMMANDS):
        return None
    if not shutil.which("apt-get"):
        return "slurm-wlm and munge are not installed, and there is no apt-get here to install them"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    lock = ["-o", "DPkg::Lock::Timeout=120"]
    for command in (["apt-get", *lock, "update", "-qq"],
                    ["apt-get", *lock, "install", "-y", "-qq", "--no-install-recommends", *PACKAGES]):
        try:
            done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=APT_S)
        except subprocess.TimeoutExpired:
            return f"apt-get could not install slurm-wlm and munge: {' '.join(command)} ran over {APT_S} s"
        if done.returncode:
            return (f"apt-get could not install slurm-wlm and munge: {' '.join(command)} failed: "
                    f"{(done.stderr or done.stdout).strip()[-300:]}")
    missing = [c for c in COMMANDS if not shutil.which(c)]
    return f"apt-get installed {' '.join(PACKAGES)} but not {', '.join(missing)}" if missing else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what: str, ready, timeout: float = WAIT_S, every: float = 0.5):
    """Returns ``ready()`` once it is true; fails the test after ``timeout`` seconds."""
    end = time.monotonic() + timeout
    while True:
        value = ready()
        if value:
            return value
        if time.monotonic() > end:
            pytest.fail(f"waited {timeout:.0f} s for {what}")
        time.sleep(every)


class Cluster:
    """A one-node SLURM cluster in ``root``, for root: ``start``, ``run`` client commands, ``stop``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.conf = root / "slurm.conf"
        self.pids = {"munged": root / "munge/munged.pid", "slurmctld": root / "slurmctld.pid",
                     "slurmd": root / "slurmd.pid"}
        self.env = {**os.environ, "SLURM_CONF": str(self.conf), MARK: str(root)}

    def run(self, *command: str, cwd: Path | None = None, check: bool = True) -> str:
        done = subprocess.run(command, env=self.env, cwd=cwd, capture_output=True, text=True, timeout=60)
        if check and done.returncode:
            pytest.fail(f"{' '.join(command)}: {done.stdout}{done.stderr}\n{self.logs()}")
        return done.stdout

    def logs(self) -> str:
        return "".join(f"--- {p.name}:\n{p.read_text()[-3000:]}" for p in sorted(self.root.glob("log/*.log")))

    def start(self) -> None:
        munge = self.root / "munge"
        for folder in (munge, self.root / "state", self.root / "spool", self.root / "log"):
            folder.mkdir(parents=True)
        for folder in (self.root, munge):
            folder.chmod(0o755)  # munged wants the folders of its socket searchable by all
        key = munge / "munge.key"
        key.write_bytes(os.urandom(128))
        key.chmod(0o600)
        socket_path = munge / "munge.socket.2"
        self.run("munged", f"--key-file={key}", f"--socket={socket_path}", f"--pid-file={self.pids['munged']}",
                 f"--log-file={self.root / 'log/munged.log'}", f"--seed-file={munge / 'munged.seed'}")
        host = socket.gethostname().split(".")[0]  # the name slurmd looks itself up by
        node = self.run("slurmd", "-C").splitlines()[0]  # NodeName=... CPUs=... RealMemory=...: this machine's
        node = re.sub(r"^NodeName=\S+", f"NodeName={host}", node)
        ports = {free_port()}
        while len(ports) < 2:
            ports.add(free_port())
        self.conf.write_text("\n".join([
            "ClusterName=gradertest",
            f"SlurmctldHost={host}(127.0.0.1)",
            *(f"{name}={port}" for name, port in zip(("SlurmctldPort", "SlurmdPort"), sorted(ports))),
            "AuthType=auth/munge",
            "CredType=cred/munge",
            f"AuthInfo=socket={socket_path}",
            "SlurmUser=root",
            "SlurmdUser=root",
            f"StateSaveLocation={self.root / 'state'}",
            f"SlurmdSpoolDir={self.root / 'spool'}",
            f"SlurmctldPidFile={self.pids['slurmctld']}",
            f"SlurmdPidFile={self.pids['slurmd']}",
            f"SlurmctldLogFile={self.root / 'log/slurmctld.log'}",
            f"SlurmdLogFile={self.root / 'log/slurmd.log'}",
            "ProctrackType=proctrack/linuxproc",
            "TaskPlugin=task/none",
            "JobAcctGatherType=jobacct_gather/none",
            "AccountingStorageType=accounting_storage/none",
            "SchedulerType=sched/builtin",
            "SelectType=select/cons_tres",
            "SelectTypeParameters=CR_Core_Memory",
            "MpiDefault=none",
            "ReturnToService=2",
            "MinJobAge=600",
            f"{node} NodeAddr=127.0.0.1 State=UNKNOWN",
            f"PartitionName=grading Nodes={host} Default=YES MaxTime=INFINITE State=UP",
        ]) + "\n")
        self.run("slurmctld", "-f", str(self.conf), "-i")
        self.run("slurmd", "-f", str(self.conf))
        wait_for("the node to be idle", lambda: self.run("sinfo", "-h", "-N", "-o", "%t", check=False).strip()
                 == "idle", timeout=60)

    def states(self, job: str) -> list[str]:
        """Returns the state of each task of ``job`` (one for a plain job), as scontrol shows it."""
        return re.findall(r"\bJobState=(\S+)", self.run("scontrol", "show", "job", job, check=False))

    def ours(self) -> list[int]:
        """Returns the pids of the processes that carry this cluster's mark in their environment."""
        mark = f"{MARK}={self.root}".encode() + b"\0"
        pids = []
        for proc in Path("/proc").glob("[0-9]*"):
            try:
                if mark in (proc / "environ").read_bytes() + b"\0" and int(proc.name) != os.getpid():
                    pids.append(int(proc.name))
            except (OSError, ValueError):
                continue
        return pids

    def stop(self) -> None:
        """Cancels every job, stops the daemons by their pids (TERM, then KILL), then anything left that the
        cluster started; bounded."""
        if self.conf.is_file() and self.pids["slurmctld"].is_file():
            self.run("scancel", "--user=root", check=False)
            end = time.monotonic() + 30
            while self.run("squeue", "-h", check=False).strip() and time.monotonic() < end:
                time.sleep(0.5)
        for name in ("slurmd", "slurmctld", "munged"):
            try:
                _end(int(self.pids[name].read_text().split()[0]))
            except (OSError, ValueError, IndexError):
                continue
        for pid in self.ours():
            _end(pid)


def _end(pid: int, timeout: float = 15) -> None:
    """Stops ``pid``: TERM, then KILL after ``timeout`` seconds."""
    try:
        os.kill(pid, signal.SIGTERM)
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            os.kill(pid, 0)
            time.sleep(0.1)
        os.kill(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


@pytest.fixture(scope="module")
def cluster():
    why = install()
    if why:
        pytest.skip(why)
    # not under pytest's temporary folders: munged wants every folder above its socket searchable by all
    cluster = Cluster(Path(tempfile.mkdtemp(prefix="grader-slurm-")))
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()
        left = cluster.ours()
        if not left:
            shutil.rmtree(cluster.root, ignore_errors=True)
        assert not left, f"processes of the cluster in {cluster.root} left running: {left}"


@pytest.fixture(scope="module")
def klass(tmp_path_factory):
    """(submissions, rubric, the output of one local grade-all of them): the solutions, the skeleton, and the
    solutions less pool.py, graded on tests/public/test_pool.py alone."""
    root = tmp_path_factory.mktemp("class")
    subs = root / "submissions"
    subs.mkdir()
    submission(subs, "solutions", folder="ann")
    submission(subs, "student", folder="bob")
    submission(subs, "solutions", folder="cy", remove=("layers/pool.py",))
    path = rubric(root, "tests/public/test_pool.py")
    local = root / "local"
    done = grade_all(subs, "--out", local, "--rubric", path, "--jobs", 2, "--no-similarity")
    assert done.returncode == 0, done.stdout + done.stderr
    return subs, path, local


def grade_all(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grader", "grade-all", *map(str, args)], cwd=REPO,
                          capture_output=True, text=True, timeout=WAIT_S)


def gradebook(folder: Path) -> dict[str, tuple[str, str]]:
    """Returns id -> (total, status) of each submission's row of ``folder/gradebook.csv``."""
    with open(folder / "gradebook.csv", newline="") as f:
        return {row["id"]: (row["total"], row["status"]) for row in csv.DictReader(f) if not row["id"].startswith("(")}


def submit(cluster: Cluster, out: Path) -> tuple[str, str]:
    """Runs the commands atop ``out/grade-all.slurm`` as they are written, from its folder; returns the ids of
    (the array, the merge)."""
    lines = (out / "grade-all.slurm").read_text().splitlines()
    commands = [line[4:] for line in lines if line.startswith("#   ")][:2]
    assert commands[0].startswith("jobid=$(sbatch --parsable") and "afterany" in commands[1], commands
    done = subprocess.run(["bash", "-ec", "\n".join([*commands, 'echo "array ${jobid%%;*}"'])], cwd=out,
                          env=cluster.env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr + cluster.logs()
    return re.search(r"^array (\d+)$", done.stdout, re.M)[1], re.search(r"Submitted batch job (\d+)", done.stdout)[1]


def test_a_class_graded_by_a_slurm_array_then_merged_equals_one_local_run_and_a_failed_shard_is_named(
        cluster, klass, tmp_path):
    subs, path, local = klass
    # two classes at once: one whose tasks both grade; one whose task 2 cannot write its shard's folder (a file
    # is in the way) and whose task 1 finds its share graded already (copied from the local run)
    out, failing = tmp_path / "slurm out", tmp_path / "failing"
    for folder in (out, failing):
        done = grade_all(subs, "--out", folder, "--rubric", path, "--jobs", 1, "--emit", "slurm", "--shards", 2,
                         "--partition", "grading", "--account", "course", "--time", "00:10:00", "--mem", "1G")
        assert done.returncode == 0, done.stdout + done.stderr
    first = [s.id for s in shard(find_students(subs), 1, 2)]
    for sid in first:
        shutil.copytree(local / sid, failing / "shard-1" / sid)
    (failing / "shard-2").write_text("in the way\n")
    jobs = {folder: submit(cluster, folder) for folder in (out, failing)}

    merges = [merge for _, merge in jobs.values()]
    wait_for("both merges to end", lambda: all(s and s[0] in ENDED for s in map(cluster.states, merges)))

    array, merge = jobs[out]
    assert cluster.states(array) == ["COMPLETED", "COMPLETED"], cluster.logs()
    assert cluster.states(merge) == ["COMPLETED"], (out / f"slurm-merge-{merge}.out").read_text()
    assert gradebook(out / "class") == gradebook(local) and len(gradebook(local)) == 3
    assert {p.name for p in out.glob("slurm-*.out")} == {f"slurm-{array}_1.out", f"slurm-{array}_2.out",
                                                         f"slurm-merge-{merge}.out"}

    array, merge = jobs[failing]
    assert sorted(cluster.states(array)) == ["COMPLETED", "FAILED"]
    assert cluster.states(merge) == ["FAILED"]  # it ran (afterany) and failed: something is missing
    log = (failing / f"slurm-merge-{merge}.out").read_text()
    assert f"merge: {failing / 'shard-2'}: missing" in log, log
    assert gradebook(failing / "class") == {sid: gradebook(local)[sid] for sid in first}
    assert not list(REPO.glob("slurm-*.out")) and not list(tmp_path.glob("slurm-*.out"))
