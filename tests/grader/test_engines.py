"""Job files for SLURM and Kubernetes: checked by bash, sbatch's option grammar and Kubernetes' own schemas,
and run with a stub in place of the grader to see the arguments it would get."""
import json
import os
import re
import shlex
import subprocess
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from grader.authoring.classgrading.engines import emit, kubernetes_manifest, slurm_script

KUBERNETES_VERSION = "1.33.0"  # a recent release whose schemas kubernetes-validate ships

# Long options of sbatch(1) (the man page, https://slurm.schedmd.com/sbatch.html) that the script uses, with the
# form of their values there: -a/--array, -c/--cpus-per-task, --mem=<size>[units], -t/--time=<time> ("minutes",
# "hours:minutes:seconds", "days-hours:minutes:seconds"...), -J/--job-name, -o/--output=<filename pattern>, --gres.
SBATCH_OPTIONS = {
    "--array": r"1-[1-9]\d*",
    "--cpus-per-task": r"[1-9]\d*",
    "--mem": r"[1-9]\d*G",
    "--time": r"\d+|(\d+-)?\d{2}:\d{2}:\d{2}",
    "--job-name": r"[\w.-]+",
    "--output": r"/.+",
    "--gres": r"gpu:1",
}
ODD = "it's \"odd\" 100%"


def slurm(tmp_path: Path, **over) -> str:
    settings = dict(repo=tmp_path / "re po", submissions=tmp_path / "subs", out=tmp_path / "out", shards=4, jobs=3,
                    assignment="a1", rubric=None, device="cpu")
    return slurm_script(**{**settings, **over})


def manifest(**over) -> dict:
    settings = dict(image="registry.example/kit:1", submissions="/grading/subs", out="/grading/out", shards=4,
                    jobs=3, assignment="a1", rubric=None, device="cpu")
    return yaml.safe_load(kubernetes_manifest(**{**settings, **over}))


def container(job: dict) -> dict:
    return job["spec"]["template"]["spec"]["containers"][0]


def sbatch_options(script: str) -> dict[str, str]:
    """Returns the ``#SBATCH`` options as sbatch reads them: quotes like the shell, one ``--name=value`` each."""
    words = [w for line in script.splitlines() if line.startswith("#SBATCH") for w in shlex.split(line[7:])]
    return dict(w.split("=", 1) for w in words)


def stub(folder: Path) -> Path:
    """Returns a fake ``python`` in ``folder`` that prints its working folder, then one argument a line."""
    folder.mkdir(parents=True, exist_ok=True)
    python = folder / "python"
    python.write_text('#!/bin/sh\npwd\nprintf "%s\\n" "$@"\n')
    python.chmod(0o755)
    return python


def bash_n(tmp_path: Path, script: str) -> subprocess.CompletedProcess:
    path = tmp_path / "grade-all.slurm"
    path.write_text(script)
    return subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True)


def test_the_slurm_script_is_bash_with_only_sbatch_options_in_their_form(tmp_path):
    script = slurm(tmp_path, device="cuda", out=tmp_path / ODD, memory_gb_per_job=1.5, minutes=90)
    assert script.startswith("#!/bin/bash\n") and "set -euo pipefail\n" in script
    assert bash_n(tmp_path, script).returncode == 0, bash_n(tmp_path, script).stderr
    options = sbatch_options(script)
    assert set(options) <= set(SBATCH_OPTIONS), set(options) - set(SBATCH_OPTIONS)
    for name, value in options.items():
        assert re.fullmatch(SBATCH_OPTIONS[name], value), (name, value)
    assert options["--mem"] == "5G" and options["--time"] == "01:30:00" and options["--cpus-per-task"] == "3"
    assert options["--output"] == str(tmp_path / ODD).replace("%", "%%") + "/slurm-%A_%a.out"


def test_a_day_or_more_is_written_with_days():
    assert sbatch_options(slurm(Path("/x"), minutes=1500))["--time"] == "1-01:00:00"


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


@pytest.mark.parametrize("device", ["cpu", "cuda"])
def test_the_manifest_passes_the_kubernetes_schema_strictly(device):
    job = manifest(device=device, assignment="Assignment 2", rubric="configs/rubric.yaml")
    kubernetes_validate.validate(job, KUBERNETES_VERSION, strict=True)
    container(job)["privileged"] = True  # a field of securityContext, not of a container: strict validation refuses it
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(job, KUBERNETES_VERSION, strict=True)


def test_the_manifest_runs_as_root_with_user_isolation_and_says_so():
    text = kubernetes_manifest(image="kit:1", submissions="/grading/subs", out="/grading/out", shards=2, jobs=1,
                               assignment=None, rubric=None, device="cpu", volume_claim="class-data")
    comments = [line for line in text.splitlines() if line.startswith("#")]
    assert text.startswith("# ") and "RUN make setup" in text and "kubectl apply -f grade-all-job.yaml" in text
    assert any("GRADER_ISOLATION=user" in line and "root" in line for line in comments)
    job = yaml.safe_load(text)
    spec = job["spec"]["template"]["spec"]
    assert spec["restartPolicy"] == "Never" and job["spec"]["backoffLimit"] >= 1
    assert {"name": "GRADER_ISOLATION", "value": "user"} in container(job)["env"]
    assert container(job)["securityContext"] == {"runAsUser": 0}
    assert spec["volumes"] == [{"name": "grading", "persistentVolumeClaim": {"claimName": "class-data"}}]
    assert container(job)["volumeMounts"] == [{"name": "grading", "mountPath": "/grading"}]


def test_the_manifests_merge_pod_mounts_the_claim_and_merges_every_shard():
    text = kubernetes_manifest(image="kit:1", submissions="/data/subs", out="/data/out", shards=2, jobs=1,
                               assignment=None, rubric=None, device="cpu", volume_claim="class-data")
    run = next(line[2:] for line in text.splitlines() if line.startswith("#") and "kubectl run" in line)
    words = shlex.split(run)
    pod = json.loads(next(w for w in words if w.startswith("--overrides="))[len("--overrides="):])
    assert "--image=kit:1" in words and "--restart=Never" in words
    assert pod["spec"]["volumes"][0]["persistentVolumeClaim"]["claimName"] == "class-data"
    merge = pod["spec"]["containers"][0]
    assert merge["volumeMounts"][0]["mountPath"] == "/data"
    assert shlex.split(merge["command"][2]) == ["exec", "python", "-m", "grader", "merge", "/data/out/shard-*",
                                                "--out", "/data/out/class"]


def test_the_manifests_command_under_sh_grades_into_the_shard_of_its_index(tmp_path):
    job = manifest(submissions="/grading/my subs", rubric="configs/rubric.yaml")
    command = container(job)["command"]
    assert command[:2] == ["sh", "-c"]
    stub(tmp_path / "bin")
    env = {**os.environ, "PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}", "JOB_COMPLETION_INDEX": "2"}
    done = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[1:] == ["-m", "grader", "grade-all", "/grading/my subs",
                                            "--out", "/grading/out/shard-2", "--jobs", "3", "--device", "cpu",
                                            "--assignment", "a1", "--rubric", "configs/rubric.yaml"]


def test_the_slurm_script_runs_grade_all_with_the_expected_arguments(tmp_path):
    repo, out = tmp_path / "re po", tmp_path / ODD
    stub(repo / ".venv/bin")
    script = slurm(tmp_path, out=out, submissions=tmp_path / ODD / "subs", rubric="configs/rubric.yaml",
                   device="cuda")
    path = tmp_path / "grade-all.slurm"
    path.write_text(script)
    env = {**os.environ, "SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "4"}
    done = subprocess.run(["bash", str(path)], env=env, cwd=tmp_path, capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == [str(repo), "-m", "grader", "grade-all", str(out / "subs"),
                                        "--out", f"{out}/shard-3", "--jobs", "3", "--device", "cuda",
                                        "--assignment", "a1", "--rubric", "configs/rubric.yaml"]
    assert "--shard" not in done.stdout


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


def test_the_slurm_merge_in_the_comments_merges_the_shard_folders_only(tmp_path):
    repo, out = tmp_path / "re po", tmp_path / ODD
    stub(repo / ".venv/bin")
    for shard in (1, 2):
        (out / f"shard-{shard}").mkdir(parents=True)
        (out / f"slurm-9_{shard}.out").write_text("log")
    script = slurm(tmp_path, out=out)
    words = shlex.split(next(line[1:] for line in script.splitlines() if "--wrap" in line))
    assert words[:3] == ["sbatch", "--dependency=afterok:$jobid", f"--chdir={repo}"]
    assert "sbatch --parsable grade-all.slurm" in script
    done = subprocess.run(["bash", "-c", words[words.index("--wrap") + 1]], cwd=repo, capture_output=True,
                          text=True, check=True)
    assert done.stdout.splitlines() == [str(repo), "-m", "grader", "merge", f"{out}/shard-1", f"{out}/shard-2",
                                        "--out", f"{out}/class"]


def test_emit_writes_the_file_of_each_engine_and_refuses_an_unknown_one(tmp_path):
    path = emit("slurm", tmp_path / "out", repo=tmp_path, submissions=tmp_path / "subs", shards=2, jobs=1,
                assignment=None, rubric=None, device="cpu")
    assert path == tmp_path / "out/grade-all.slurm"
    assert sbatch_options(path.read_text())["--output"] == f"{tmp_path}/out/slurm-%A_%a.out"
    path = emit("kubernetes", tmp_path / "k8s", image="kit:1", submissions="/g/subs", out="/g/out", shards=2,
                jobs=1, assignment=None, rubric=None, device="cpu")
    assert path == tmp_path / "k8s/grade-all-job.yaml" and yaml.safe_load(path.read_text())["kind"] == "Job"
    with pytest.raises(ValueError, match="slurm, kubernetes"):
        emit("nomad", tmp_path / "x")


@pytest.mark.parametrize("over", [dict(shards=0), dict(jobs=0), dict(device="tpu"), dict(memory_gb_per_job=0)])
def test_settings_that_cannot_run_are_refused_by_both_engines(tmp_path, over):
    with pytest.raises(ValueError):
        slurm(tmp_path, **over)
    with pytest.raises(ValueError):
        manifest(**over)


@pytest.mark.parametrize("over", [dict(out="out"), dict(out="/grading/$(HOME)"), dict(submissions="/elsewhere")])
def test_container_paths_that_cannot_be_mounted_or_expanded_are_refused(over):
    with pytest.raises(ValueError, match="out|submissions"):
        manifest(**over)
