"""Job files for SLURM and Kubernetes: checked by bash, sbatch's option grammar and Kubernetes' own schemas, and
run with stubs in place of the grader and of sbatch to see the arguments they would get; the merge of shards that
did not all end. test_slurm.py runs the SLURM files on a real (one-node) cluster."""
import csv
import json
import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from grader import cli
from grader.authoring.classgrading.engines import emit, kubernetes_manifest, slurm_merge_script, slurm_script
from grader.contract import REPO

KUBERNETES_VERSION = "1.33.0"  # a recent release whose schemas kubernetes-validate ships

# Long options of sbatch(1) (the man page, https://slurm.schedmd.com/sbatch.html) that the scripts use, with the
# form of their values there: -a/--array, -c/--cpus-per-task, --mem=<size>[units] (K, M, G or T), -t/--time=<time>
# ("minutes", "hours:minutes:seconds", "days-hours:minutes:seconds"...), -J/--job-name, -o/--output=<filename
# pattern>, --gres, -p/--partition=<partition_names> (a comma-separated list), -A/--account=<account>.
SBATCH_OPTIONS = {
    "--array": r"1-[1-9]\d*",
    "--cpus-per-task": r"[1-9]\d*",
    "--mem": r"[1-9]\d*[KMGT]",
    "--time": r"\d+|(\d+-)?\d{2}:\d{2}:\d{2}",
    "--job-name": r"[\w.-]+",
    "--output": r"/.+",
    "--gres": r"gpu:1",
    "--partition": r"[\w.-]+(,[\w.-]+)*",
    "--account": r"[\w.-]+",
}
ODD = "it's \"odd\" 100%"
ENGINE_OPTIONS = {"--partition", "--account", "--time", "--mem"}


def slurm(tmp_path: Path, script=slurm_script, **over) -> str:
    settings = dict(repo=tmp_path / "re po", submissions=tmp_path / "subs", out=tmp_path / "out", shards=4, jobs=3,
                    assignment="a1", rubric=None, device="cpu")
    return script(**{**settings, **over})


def jobs(**over) -> list[dict]:
    """Returns the manifest's Jobs: grading, then merging."""
    settings = dict(image="registry.example/kit:1", submissions="/grading/subs", out="/grading/out", shards=4,
                    jobs=3, assignment="a1", rubric=None, device="cpu")
    return list(yaml.safe_load_all(kubernetes_manifest(**{**settings, **over})))


def manifest(**over) -> dict:
    """Returns the manifest's grading Job."""
    return jobs(**over)[0]


def container(job: dict) -> dict:
    return job["spec"]["template"]["spec"]["containers"][0]


def sbatch_options(script: str) -> dict[str, str]:
    """Returns the ``#SBATCH`` options as sbatch reads them: quotes like the shell, one ``--name=value`` each."""
    words = [w for line in script.splitlines() if line.startswith("#SBATCH") for w in shlex.split(line[7:])]
    return dict(w.split("=", 1) for w in words)


def stub(folder: Path, code: int = 0) -> Path:
    """Returns a fake ``python`` in ``folder``: prints its working folder, then one argument a line; exits ``code``."""
    folder.mkdir(parents=True, exist_ok=True)
    python = folder / "python"
    python.write_text(f'#!/bin/sh\npwd\nprintf "%s\\n" "$@"\nexit {code}\n')
    python.chmod(0o755)
    return python


def run_sh(command: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    """Runs a container's command in ``tmp_path`` with the stub python of ``tmp_path/bin`` first on the PATH."""
    env = {**os.environ, "PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}", **env}
    return subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)


def bash_n(tmp_path: Path, script: str) -> subprocess.CompletedProcess:
    path = tmp_path / "grade-all.slurm"
    path.write_text(script)
    return subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True)


@pytest.mark.parametrize("script", [slurm_script, slurm_merge_script])
def test_the_slurm_scripts_are_bash_with_only_sbatch_options_in_their_form(tmp_path, script):
    text = slurm(tmp_path, script, device="cuda", out=tmp_path / ODD, partition="gpu,debug", account="cs-231",
                 time="90", mem="5g")
    assert text.startswith("#!/bin/bash\n") and "set -euo pipefail\n" in text
    assert bash_n(tmp_path, text).returncode == 0, bash_n(tmp_path, text).stderr
    options = sbatch_options(text)
    assert set(options) <= set(SBATCH_OPTIONS), set(options) - set(SBATCH_OPTIONS)
    for name, value in options.items():
        assert re.fullmatch(SBATCH_OPTIONS[name], value), (name, value)
    assert options["--mem"] == "5G" and options["--time"] == "01:30:00"
    assert options["--partition"] == "gpu,debug" and options["--account"] == "cs-231"
    log = "slurm-%A_%a.out" if script is slurm_script else "slurm-merge-%j.out"
    assert options["--output"] == str(tmp_path / ODD).replace("%", "%%") + "/" + log
    assert options.get("--cpus-per-task") == ("3" if script is slurm_script else None)


@pytest.mark.parametrize("script", [slurm_script, slurm_merge_script])
def test_partition_account_time_and_memory_are_written_only_when_given(tmp_path, script):
    assert not ENGINE_OPTIONS & set(sbatch_options(slurm(tmp_path, script)))
    assert ENGINE_OPTIONS & set(sbatch_options(slurm(tmp_path, script, account="x", mem="1024"))) == \
        {"--account", "--mem"}
    assert sbatch_options(slurm(tmp_path, script, mem="1024"))["--mem"] == "1024M"


@pytest.mark.parametrize("given, clock", [("1500", "1-01:00:00"), ("90:30", "01:30:30"), ("2:03:04", "02:03:04"),
                                          ("3-4", "3-04:00:00"), ("1-2:30", "1-02:30:00"), ("1-2:3:4", "1-02:03:04")])
def test_a_time_is_read_as_sbatch_reads_it_and_a_day_or_more_is_written_with_days(given, clock):
    assert sbatch_options(slurm(Path("/x"), time=given))["--time"] == clock


@pytest.mark.parametrize("over", [dict(time="0"), dict(time="1h"), dict(time="01:00:00\n#SBATCH --x=1"),
                                  dict(mem="0"), dict(mem="4GB"), dict(mem="-1G"), dict(partition="a b"),
                                  dict(account="x;y"), dict(partition="")])
def test_engine_options_that_sbatch_would_misread_are_refused(tmp_path, over):
    for script in (slurm_script, slurm_merge_script):
        with pytest.raises(ValueError, match=next(iter(over))):
            slurm(tmp_path, script, **over)


@pytest.mark.parametrize("shards", [1, 7])
def test_n_shards_are_an_array_of_n_tasks_and_a_job_of_n_completions(tmp_path, shards):
    assert sbatch_options(slurm(tmp_path, shards=shards))["--array"] == f"1-{shards}"
    job = manifest(shards=shards)
    assert job["spec"]["completions"] == job["spec"]["parallelism"] == shards
    assert job["spec"]["completionMode"] == "Indexed"
    assert {"name": "GRADER_SHARDS", "value": str(shards)} in container(job)["env"]


def test_cuda_asks_for_one_gpu_and_cpu_for_none(tmp_path):
    assert sbatch_options(slurm(tmp_path, device="cuda"))["--gres"] == "gpu:1"
    assert "--gres" not in sbatch_options(slurm(tmp_path, device="cpu"))
    assert container(manifest(device="cuda"))["resources"]["limits"]["nvidia.com/gpu"] == 1
    resources = container(manifest(device="cpu"))["resources"]
    assert not any("gpu" in key for part in resources.values() for key in part)
    assert resources["requests"] == resources["limits"] == {"cpu": "3", "memory": "6Gi"}
    resources = container(manifest(mem="1500M"))["resources"]
    assert resources["requests"] == resources["limits"] == {"cpu": "3", "memory": "1500Mi"}


@pytest.mark.parametrize("device", ["cpu", "cuda"])
def test_the_manifest_passes_the_kubernetes_schema_strictly(device):
    both = jobs(device=device, assignment="Assignment 2", rubric="configs/rubric.yaml", time="2:00:00", mem="4G")
    assert [job["kind"] for job in both] == ["Job", "Job"]
    for job in both:
        kubernetes_validate.validate(job, KUBERNETES_VERSION, strict=True)
        container(job)["privileged"] = True  # a field of securityContext, not of a container: strict refuses it
        with pytest.raises(kubernetes_validate.ValidationError):
            kubernetes_validate.validate(job, KUBERNETES_VERSION, strict=True)


def test_the_manifest_runs_as_root_with_user_isolation_and_says_so():
    text = kubernetes_manifest(image="kit:1", submissions="/grading/subs", out="/grading/out", shards=2, jobs=1,
                               assignment=None, rubric=None, device="cpu", volume_claim="class-data")
    comments = [line for line in text.splitlines() if line.startswith("#")]
    assert text.startswith("# ") and "RUN make setup" in text and "kubectl apply -f grade-all-job.yaml" in text
    assert any("GRADER_ISOLATION=user" in line and "root" in line for line in comments)
    grading, merging = yaml.safe_load_all(text)
    assert {"name": "GRADER_ISOLATION", "value": "user"} in container(grading)["env"]
    for job in (grading, merging):
        spec = job["spec"]["template"]["spec"]
        assert spec["restartPolicy"] == "Never"
        assert container(job)["securityContext"] == {"runAsUser": 0}
        assert spec["volumes"] == [{"name": "grading", "persistentVolumeClaim": {"claimName": "class-data"}}]
        assert container(job)["volumeMounts"] == [{"name": "grading", "mountPath": "/grading"}]


def test_a_failing_shard_is_retried_alone_within_a_deadline_that_the_merge_job_outlasts():
    grading, merging = jobs(time="2:00:00")
    assert grading["spec"]["backoffLimitPerIndex"] == 1 and "backoffLimit" not in grading["spec"]
    assert grading["spec"]["activeDeadlineSeconds"] == 7200
    assert merging["metadata"]["name"] == grading["metadata"]["name"] + "-merge"
    assert merging["spec"]["backoffLimit"] == 0 and "completionMode" not in merging["spec"]
    env = {e["name"]: e for job in (grading, merging) for e in container(job)["env"]}
    wait = int(env["GRADER_WAIT_S"]["value"])
    assert 7200 < wait < merging["spec"]["activeDeadlineSeconds"]
    assert manifest()["spec"]["activeDeadlineSeconds"] == 86400  # a day when not given: never forever
    assert env["GRADER_FAILURES"]["valueFrom"]["fieldRef"]["fieldPath"] == \
        "metadata.annotations['batch.kubernetes.io/job-index-failure-count']"


@pytest.mark.parametrize("code, failures, ended", [(0, "", True), (1, "0", False), (1, "1", True), (2, "", False)])
def test_the_manifests_command_under_sh_grades_into_the_shard_of_its_index_and_marks_its_last_end(
        tmp_path, code, failures, ended):
    command = container(manifest(submissions=f"{tmp_path}/my subs", out=f"{tmp_path}/out",
                                 rubric="configs/rubric.yaml"))["command"]
    assert command[:2] == ["sh", "-c"]
    stub(tmp_path / "bin", code=code)
    (tmp_path / "out").mkdir()
    done = run_sh(command, tmp_path, JOB_COMPLETION_INDEX="2", GRADER_FAILURES=failures)
    assert done.returncode == code, done.stderr
    assert done.stdout.splitlines()[1:] == ["-m", "grader", "grade-all", f"{tmp_path}/my subs",
                                            "--out", f"{tmp_path}/out/shard-2", "--jobs", "3", "--device", "cpu",
                                            "--assignment", "a1", "--rubric", "configs/rubric.yaml"]
    mark = tmp_path / "out/shard-2.ended"
    assert mark.is_file() == ended and (not ended or mark.read_text() == f"{code}\n")


def run_merge_job(tmp_path: Path, shards: int, marks: str, wait_s: int) -> tuple[subprocess.CompletedProcess, float]:
    """Runs the merge Job's command for ``shards`` shards in ``tmp_path/out`` (the stub python merges) while
    ``marks`` (a shell command) writes marks there; returns what it did and the seconds it took."""
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    stub(tmp_path / "bin")
    merging = jobs(out=str(out), submissions=f"{tmp_path}/subs", shards=shards)[1]
    writer = subprocess.Popen(["sh", "-c", marks], cwd=out)
    start = time.monotonic()
    done = run_sh(container(merging)["command"], tmp_path, GRADER_WAIT_S=str(wait_s), GRADER_POLL_S="0.2")
    writer.wait(timeout=30)
    assert done.returncode == 0, done.stderr
    return done, time.monotonic() - start


def test_the_merge_job_merges_every_shard_once_each_has_ended_since_it_started(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out/shard-0.ended").write_text("0\n")  # an earlier run's mark: not this run's end
    done, seconds = run_merge_job(tmp_path, 2, "sleep 1; echo 0 > shard-0.ended; echo 1 > shard-1.ended", 30)
    assert 1 <= seconds < 20 and "not ended" not in done.stdout
    out = tmp_path / "out"
    assert done.stdout.splitlines()[1:] == ["-m", "grader", "merge", f"{out}/shard-0", f"{out}/shard-1",
                                            "--out", f"{out}/class"]


def test_the_merge_job_stops_waiting_at_its_deadline_and_says_which_shards_have_not_ended(tmp_path):
    done, seconds = run_merge_job(tmp_path, 3, "sleep 0.5; echo 0 > shard-1.ended", wait_s=2)
    assert 1 <= seconds < 20  # date +%s counts whole seconds
    assert "after 2 s, these shards have not ended: shard-0 shard-2; merging what they left" in done.stdout
    out = tmp_path / "out"
    assert done.stdout.splitlines()[-8:] == ["-m", "grader", "merge", f"{out}/shard-0", f"{out}/shard-1",
                                             f"{out}/shard-2", "--out", f"{out}/class"]


def test_the_slurm_script_runs_grade_all_with_the_expected_arguments(tmp_path):
    repo, out = tmp_path / "re po", tmp_path / ODD
    stub(repo / ".venv/bin")
    script = slurm(tmp_path, out=out, submissions=tmp_path / ODD / "subs", rubric="configs/rubric.yaml",
                   device="cuda")
    path = tmp_path / "grade-all.slurm"
    path.write_text(script)
    # sbatch --array=3 grade-all.slurm (a failed task graded again) is an array of one: its share is still 3 of 4
    env = {**os.environ, "SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "1", "SLURM_ARRAY_TASK_MIN": "3"}
    done = subprocess.run(["bash", str(path)], env=env, cwd=tmp_path, capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == [str(repo), "-m", "grader", "grade-all", str(out / "subs"),
                                        "--out", f"{out}/shard-3", "--shard", "3/4", "--jobs", "3", "--device",
                                        "cuda", "--assignment", "a1", "--rubric", "configs/rubric.yaml"]


def test_a_path_with_spaces_and_quotes_survives_the_script(tmp_path):
    script = slurm(tmp_path, repo=tmp_path / ODD, submissions=tmp_path / ODD / "subs")
    assert bash_n(tmp_path, script).returncode == 0
    words = shlex.split(next(line for line in script.splitlines() if line.startswith("exec ")))
    assert words[1] == str(tmp_path / ODD / ".venv/bin/python") and words[5] == str(tmp_path / ODD / "subs")
    cd = next(line for line in script.splitlines() if line.startswith("cd "))
    assert shlex.split(cd) == ["cd", str(tmp_path / ODD)]


def test_the_slurm_script_refuses_to_run_outside_a_job_array(tmp_path):
    stub(tmp_path / "re po/.venv/bin")
    path = tmp_path / "grade-all.slurm"
    path.write_text(slurm(tmp_path))
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLURM_")}
    done = subprocess.run(["bash", str(path)], env=env, capture_output=True, text=True)
    assert done.returncode != 0 and "sbatch" in done.stderr and "grade-all" not in done.stdout


def test_the_commands_atop_the_slurm_script_submit_the_merge_after_any_end_of_the_array(tmp_path):
    repo, out = tmp_path / "re po", tmp_path / ODD
    stub(repo / ".venv/bin")
    emit("slurm", out, repo=repo, submissions=tmp_path / "subs", shards=3, jobs=1, assignment=None, rubric=None,
         device="cpu")
    sbatch = tmp_path / "bin/sbatch"  # each call a line of calls.txt; prints a job id as --parsable does
    sbatch.parent.mkdir()
    sbatch.write_text(f'#!/bin/sh\necho "$*" >> {shlex.quote(str(tmp_path / "calls.txt"))}\necho "42;cluster"\n')
    sbatch.chmod(0o755)
    lines = (out / "grade-all.slurm").read_text().splitlines()
    commands = [line[4:] for line in lines if line.startswith("#   ")]
    assert commands[:2] == ["jobid=$(sbatch --parsable grade-all.slurm)",
                            "sbatch --dependency=afterany:${jobid%%;*} grade-all-merge.slurm"]
    subprocess.run(["bash", "-ec", "\n".join(commands[:2])], cwd=out, check=True, timeout=30,
                   env={**os.environ, "PATH": f"{sbatch.parent}:{os.environ['PATH']}"})
    calls = (tmp_path / "calls.txt").read_text().splitlines()
    assert calls == ["--parsable grade-all.slurm", "--dependency=afterany:42 grade-all-merge.slurm"]
    merge = (out / "grade-all-merge.slurm").read_text()
    assert sbatch_options(merge)["--output"] == str(out).replace("%", "%%") + "/slurm-merge-%j.out"
    done = subprocess.run(["bash", str(out / "grade-all-merge.slurm")], cwd=tmp_path, capture_output=True,
                          text=True, check=True)
    assert done.stdout.splitlines() == [str(repo), "-m", "grader", "merge", f"{out}/shard-1", f"{out}/shard-2",
                                        f"{out}/shard-3", "--out", f"{out}/class"]


def test_grade_all_emit_writes_the_engine_options_it_is_given(tmp_path):
    out = tmp_path / "out"
    assert cli.main(["grade-all", str(tmp_path), "--out", str(out), "--emit", "slurm", "--shards", "2",
                     "--partition", "short", "--account", "cs231", "--time", "02:00:00", "--mem", "4G"]) == 0
    for name in ("grade-all.slurm", "grade-all-merge.slurm"):
        options = sbatch_options((out / name).read_text())
        assert {k: options[k] for k in ENGINE_OPTIONS} == {"--partition": "short", "--account": "cs231",
                                                           "--time": "02:00:00", "--mem": "4G"}
    assert cli.main(["grade-all", f"{tmp_path}/subs", "--out", str(out), "--emit", "kubernetes", "--time", "90",
                     "--mem", "3G"]) == 0
    job = yaml.safe_load((out / "grade-all-job.yaml").read_text().split("\n---\n")[0])
    assert job["spec"]["activeDeadlineSeconds"] == 5400 and container(job)["resources"]["limits"]["memory"] == "3Gi"
    assert cli.main(["grade-all", f"{tmp_path}/subs", "--out", str(out), "--emit", "kubernetes",
                     "--partition", "x"]) == 2


def test_emit_writes_the_file_of_each_engine_and_refuses_an_unknown_one(tmp_path):
    path = emit("slurm", tmp_path / "out", repo=tmp_path, submissions=tmp_path / "subs", shards=2, jobs=1,
                assignment=None, rubric=None, device="cpu")
    assert path == tmp_path / "out/grade-all.slurm" and (tmp_path / "out/grade-all-merge.slurm").is_file()
    assert sbatch_options(path.read_text())["--output"] == f"{tmp_path}/out/slurm-%A_%a.out"
    path = emit("kubernetes", tmp_path / "k8s", image="kit:1", submissions="/g/subs", out="/g/out", shards=2,
                jobs=1, assignment=None, rubric=None, device="cpu")
    assert path == tmp_path / "k8s/grade-all-job.yaml"
    assert [job["kind"] for job in yaml.safe_load_all(path.read_text())] == ["Job", "Job"]
    with pytest.raises(ValueError, match="slurm, kubernetes"):
        emit("nomad", tmp_path / "x")


@pytest.mark.parametrize("over", [dict(shards=0), dict(jobs=0), dict(device="tpu"), dict(mem="0"), dict(time="0")])
def test_settings_that_cannot_run_are_refused_by_both_engines(tmp_path, over):
    with pytest.raises(ValueError):
        slurm(tmp_path, **over)
    with pytest.raises(ValueError):
        manifest(**over)


@pytest.mark.parametrize("over", [dict(out="out"), dict(out="/grading/$(HOME)"), dict(submissions="/elsewhere")])
def test_container_paths_that_cannot_be_mounted_or_expanded_are_refused(over):
    with pytest.raises(ValueError, match="out|submissions"):
        manifest(**over)


def graded(folder: Path, sid: str, status: str = "graded") -> None:
    """Writes what grade-all leaves for one submission in ``folder``: its log, results.json, grading.json."""
    (folder / sid).mkdir(parents=True)
    (folder / sid / "grade.log").write_text("graded\n")
    test = {"name": "t", "score": 1.0, "max_score": 1.0, "tags": ["pool"], "extra_data": {"id": "public/t.py::t"}}
    (folder / sid / "results.json").write_text(json.dumps({"tests": [test], "output": ""}))
    (folder / sid / "grading.json").write_text(json.dumps({"id": sid, "name": sid, "status": status}))


def rows_of(gradebook: Path) -> dict[str, dict]:
    with open(gradebook, newline="") as f:  # id -> row of each submission (not the row of the maximum points)
        return {row["id"]: row for row in csv.DictReader(f) if not row["id"].startswith("(")}


def merge(*folders: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grader", "merge", *map(str, folders), "--out", str(out)],
                          cwd=REPO, capture_output=True, text=True, timeout=300)


def test_the_merge_of_shards_that_did_not_all_end_merges_the_rest_and_names_what_is_missing(tmp_path):
    shards = [tmp_path / f"shard-{i}" for i in (1, 2, 3, 4)]
    graded(shards[0], "ann")
    graded(shards[0], "bob", status="grader failed")
    (shards[0] / "gradebook.csv").write_text("id\n")  # shard 1 ended: its grade-all wrote its gradebook last
    graded(shards[1], "cy")
    (shards[1] / "dee").mkdir()  # shard 2 was killed while grading dee, and never wrote its gradebook
    (shards[1] / "dee/grade.log").write_text("half")
    shards[3].mkdir()
    (shards[3] / "gradebook.csv").write_text("id\n")  # shard 4 ended, then its rerun was killed grading eve
    os.utime(shards[3] / "gradebook.csv", (time.time() - 60,) * 2)
    graded(shards[3], "eve")
    (shards[3] / "eve/results.json").unlink()
    done = merge(*shards, out=tmp_path / "class")
    assert done.returncode == 1, done.stdout + done.stderr
    rows = rows_of(tmp_path / "class/gradebook.csv")
    assert set(rows) == {"ann", "bob", "cy", "eve"} and rows["ann"]["status"] == "graded"
    problems = [line for line in done.stdout.splitlines()
                if line.startswith("merge: ") and "from 4 folders" not in line]
    assert f"merge: {shards[2]}: missing" in done.stdout
    assert sum(str(shards[1]) in line and "did not end" in line for line in problems) == 1
    assert sum(str(shards[3]) in line and "did not end" in line for line in problems) == 1
    assert "merge: shard-1/bob: grader failed" in done.stdout
    assert "merge: shard-2/dee: its grading did not end" in done.stdout
    assert "merge: shard-4/eve: its grading did not end" in done.stdout
    assert not any(str(shards[0]) in line or "ann" in line or "cy" in line for line in problems)


def test_the_merge_says_nothing_of_shards_that_ended_and_names_each_of_shards_none_of_which_graded(tmp_path):
    graded(tmp_path / "shard-1", "ann")
    (tmp_path / "shard-1/gradebook.csv").write_text("id\n")
    done = merge(tmp_path / "shard-1", out=tmp_path / "class")
    assert done.returncode == 0 and "missing" not in done.stdout and "did not end" not in done.stdout, done.stdout
    done = merge(tmp_path / "shard-2", tmp_path / "shard-3", out=tmp_path / "empty")
    assert done.returncode == 1 and rows_of(tmp_path / "empty/gradebook.csv") == {}, done.stdout + done.stderr
    assert all(f"merge: {tmp_path / name}: missing" in done.stdout for name in ("shard-2", "shard-3"))
