"""The sandboxed worker: plain data back, the student's failures reported, limits enforced, the run going on."""
import os
import signal
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from grader.sandbox import (BudgetExhausted, CallTimeout, Limits, MachineFault, Sandbox, SandboxError,
                            StudentCodeError, WorkerDied, private_paths)
from grader.sandbox.host import processes_of
from grader.testkit.harness import EXECUTOR

CALL = "grader.testkit.probes.generic:call"

MISC = '''\
import os
import resource
import signal
import sys
import time

import numpy as np


def echo(value):
    return value


def kind(value):
    return type(value).__name__


def scale(x, factor=2.0):
    return x * factor


def fails(message):
    raise ValueError(message)


def stub():
    raise NotImplementedError("stub in student/layers/misc.py is not implemented yet")


def calls_sys_exit():
    sys.exit(3)


def calls_os_exit():
    os._exit(4)


def kills_itself():
    os.kill(os.getpid(), signal.SIGKILL)


def loops():
    while True:
        pass


def allocates(gigabytes):
    return np.ones(int(gigabytes * 2**30 // 8)).sum()


def prints(megabytes):
    line = "x" * 1023 + "\\n"
    for _ in range(megabytes * 1024):
        sys.stdout.write(line)
    print("done")
    return 1


def returns_object():
    return object()


def pid():
    return os.getpid()


def environment():
    return sorted(os.environ)


def modules():
    return sorted({name.split(".")[0] for name in sys.modules})


def reads(path):
    with open(path) as f:
        return f.read()


def writes(path, megabytes):
    with open(path, "w") as f:
        f.write("x" * (megabytes << 20))
    return os.path.getsize(path)


def limit(name):
    return list(resource.getrlimit(getattr(resource, name)))


def hoards_memfd(count, megabytes, seconds):
    fds = []
    for i in range(count):
        fd = os.memfd_create(f"hoard{i}")
        for _ in range(megabytes):
            os.write(fd, b"x" * (1 << 20))
        fds.append(fd)
    time.sleep(seconds)
    return len(fds)


def fills_tmp(count, megabytes, seconds):
    import tempfile
    for i in range(count):
        with open(os.path.join(tempfile.gettempdir(), f"fill{i}"), "wb") as f:
            for _ in range(megabytes):
                f.write(b"x" * (1 << 20))
    time.sleep(seconds)
    return count


def makes(path):
    os.makedirs(path)


def plants(folder, names, target, seconds):
    import threading

    def plant():
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            for name in names:
                try:
                    os.symlink(target, os.path.join(folder, name))
                except OSError:
                    pass
            time.sleep(0.005)

    threading.Thread(target=plant, daemon=True).start()


def reads_stdin():
    return sys.stdin.read()


def sleeps(seconds):
    time.sleep(seconds)
    return seconds
'''


def make_impl(root: Path, **files: str) -> Path:
    for pkg in ("layers", "models", "optimizers", "utils"):
        (root / pkg).mkdir(parents=True, exist_ok=True)
        (root / pkg / "__init__.py").write_text('"""Package."""\n')
    (root / "layers" / "misc.py").write_text(MISC)
    for name, text in files.items():
        (root / "layers" / f"{name}.py").write_text(textwrap.dedent(text))
    return root


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    root = make_impl(tmp_path_factory.mktemp("impl"))
    limits = Limits(call_timeout_s=3, budget_s=600, memory_mb=1024, output_kb=16, file_size_mb=1)
    with Sandbox(root, EXECUTOR, limits, preload=("numpy",)) as sb:
        yield sb


def call(sb, fn, *args, **kwargs):
    target = f"layers.misc:{fn}"
    return sb.call(CALL, [target, *args], kwargs, what=target, key=target)


def test_plain_data_comes_back_and_tuples_stay_tuples(sandbox):
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    out = call(sandbox, "scale", x, factor=3.0)
    assert out.dtype == np.float32 and np.array_equal(out, x * 3)
    assert call(sandbox, "echo", {"a": [1, 2.5, None, "s"], "b": x})["a"] == [1, 2.5, None, "s"]
    assert call(sandbox, "kind", (2, 3)) == "tuple"
    assert call(sandbox, "kind", [2, 3]) == "list"


def test_student_exception_keeps_its_class_message_and_location(sandbox):
    with pytest.raises(ValueError) as info:
        call(sandbox, "fails", "p must be in [0, 1)")
    assert isinstance(info.value, StudentCodeError)
    assert info.value.message == "p must be in [0, 1)"
    assert "File student/layers/misc.py, line" in info.value.where and "in fails" in info.value.where
    assert "grader" not in info.value.where


def test_not_implemented_stays_recognizable(sandbox):
    with pytest.raises(NotImplementedError, match="is not implemented yet"):
        call(sandbox, "stub")


def test_import_errors_name_the_missing_module(sandbox):
    with pytest.raises(ModuleNotFoundError, match="layers.nothing"):
        sandbox.call(CALL, ["layers.nothing:f"], {})


@pytest.mark.parametrize("fn, said", [("calls_sys_exit", "sys.exit(3)"), ("calls_os_exit", "os._exit(4)")])
def test_exit_calls_fail_the_call_but_not_the_worker(sandbox, fn, said):
    before = call(sandbox, "pid")
    with pytest.raises(StudentCodeError, match=said.replace("(", r"\(").replace(")", r"\)")):
        call(sandbox, fn)
    assert call(sandbox, "pid") == before


def test_a_dead_worker_is_replaced_and_the_run_goes_on(sandbox):
    before = call(sandbox, "pid")
    with pytest.raises(WorkerDied, match="killed") as caught:
        call(sandbox, "kills_itself")
    assert "memory" not in str(caught.value), "a cause is named only with evidence: its memory was not measured high"
    assert call(sandbox, "pid") != before
    assert call(sandbox, "echo", 5) == 5


def test_a_worker_killed_from_outside_is_a_fault_of_the_machine_and_its_call_is_tried_again(tmp_path):
    """A SIGKILL that the code did not cause (another process, the host's memory killer) costs nothing: the call
    runs again in a new worker, and the fault is kept for the staff."""
    root = make_impl(tmp_path / "impl")
    with Sandbox(root, EXECUTOR, Limits(call_timeout_s=20), preload=()) as sb:
        call(sb, "echo", 1)
        workers = [pid for pid in processes_of(sb.user.pw_uid)] if sb.user else []
        assert workers, "the worker runs as the grade's own user"

        def kill_once():
            time.sleep(0.5)
            for pid in workers:
                os.kill(pid, signal.SIGKILL)

        killer = threading.Thread(target=kill_once)
        killer.start()
        assert call(sb, "sleeps", 1.5) == 1.5
        killer.join()
        assert len(sb.faults) == 1 and "killed from outside" in sb.faults[0]


def test_a_worker_that_cannot_start_is_a_machine_fault_after_its_tries(tmp_path, monkeypatch):
    root = make_impl(tmp_path / "impl")
    with Sandbox(root, EXECUTOR, Limits(call_timeout_s=20), preload=()) as sb:
        monkeypatch.setattr(sb._server, "spawn", lambda *a: (_ for _ in ()).throw(SandboxError("no fork")))
        monkeypatch.setattr(sb, "_new_server", lambda: sb._server)
        with pytest.raises(MachineFault, match="no fork"):
            call(sb, "echo", 1)
        assert len(sb.faults) == 3
        with pytest.raises(MachineFault):  # once broken, later calls try once
            call(sb, "echo", 2)
        assert len(sb.faults) == 4


def test_memory_held_in_in_memory_files_counts_against_the_limit(tmp_path):
    """Pages written into memfd files are neither address space nor resident memory: they are measured anyway."""
    root = make_impl(tmp_path / "impl")
    with Sandbox(root, EXECUTOR, Limits(call_timeout_s=30, memory_mb=400), preload=()) as sb:
        with pytest.raises(WorkerDied, match=r"MB of memory .*over the limit of 400 MB"):
            call(sb, "hoards_memfd", 10, 60, 6.0)


def test_the_worker_s_folders_have_a_total_quota(tmp_path):
    root = make_impl(tmp_path / "impl")
    with Sandbox(root, EXECUTOR, Limits(call_timeout_s=30, space_mb=40, file_size_mb=16), preload=()) as sb:
        with pytest.raises((OSError, WorkerDied)):
            call(sb, "fills_tmp", 12, 10, 4.0)


def test_a_call_s_limit_grows_by_the_time_it_waited_for_a_cpu():
    from grader.sandbox.watch import Watch

    watch = Watch(limit=2.0, limits=Limits(), delay_ns=0, budget_deadline=time.monotonic() + 100)
    watch.start -= 2.5  # the call has run 2.5 s, 1.5 s of them waiting for a CPU
    deadline = watch.check(lambda: (0, 0), lambda: 1_500_000_000, watch.start + 2.0)
    assert deadline == pytest.approx(watch.start + 3.5) and watch.starved()
    deadline = watch.check(lambda: (0, 0), lambda: 60_000_000_000, deadline - 10)
    assert deadline == pytest.approx(watch.start + 6.0), "never beyond MAX_STRETCH times the limit"


def test_a_hung_call_times_out_and_is_not_tried_again(sandbox):
    with pytest.raises(CallTimeout, match="layers.misc:loops timed out after 3 s"):
        call(sandbox, "loops")
    with pytest.raises(CallTimeout, match="earlier; it was not called again"):
        call(sandbox, "loops")
    assert call(sandbox, "echo", "still serving") == "still serving"


def test_a_call_may_be_given_its_own_time_limit(sandbox):
    assert sandbox.call(CALL, ["layers.misc:sleeps", 0.5], {}, timeout=2) == 0.5


def test_a_huge_allocation_fails_with_a_memory_message(sandbox):
    with pytest.raises(MemoryError, match="at most 1024 MB"):
        call(sandbox, "allocates", 20)
    assert call(sandbox, "echo", 1) == 1


def test_printed_output_is_captured_and_truncated(sandbox):
    sandbox.take_output()
    assert call(sandbox, "prints", 8) == 1
    text = sandbox.take_output()
    assert text.startswith("x" * 100)
    assert len(text) < 17 * 1024 and "bytes of output were dropped" in text
    assert sandbox.take_output() == ""


def test_a_result_that_is_not_plain_data_is_refused(sandbox):
    with pytest.raises(StudentCodeError, match="PlainDataError: result is a object"):
        call(sandbox, "returns_object")


def test_the_environment_is_scrubbed(sandbox):
    names = call(sandbox, "environment")
    assert not {"PYTHONPATH", "VIRTUAL_ENV", "CI"} & set(names)
    assert {"HOME", "PATH", "OMP_NUM_THREADS"} <= set(names)


def test_workers_inherit_no_test_or_other_implementation_modules(sandbox):
    assert "tests" in {name.split(".")[0] for name in sys.modules}
    names = call(sandbox, "modules")
    assert "tests" not in names and "models" not in names
    assert "layers" in names and "numpy" in names


def test_stdin_is_not_the_protocol(sandbox):
    assert call(sandbox, "reads_stdin") == ""
    assert call(sandbox, "echo", 2) == 2


def test_resource_limits_are_applied(sandbox):
    assert call(sandbox, "limit", "RLIMIT_AS")[0] == 1024 << 20
    assert call(sandbox, "limit", "RLIMIT_FSIZE")[0] == 1 << 20
    assert call(sandbox, "limit", "RLIMIT_CORE")[0] == 0
    assert call(sandbox, "limit", "RLIMIT_CPU")[0] == 600
    if sandbox.isolated:
        assert call(sandbox, "limit", "RLIMIT_NPROC")[0] <= 32 + 16


def test_files_larger_than_the_limit_cannot_be_written(sandbox):
    with pytest.raises(OSError, match="File too large"):
        call(sandbox, "writes", "big.txt", 2)


def test_scratch_folders_are_read_only_to_the_worker_and_workdirs_are_its_own(sandbox):
    folder = sandbox.scratch()
    (folder / "data.txt").write_text("from the test")
    assert call(sandbox, "reads", str(folder / "data.txt")) == "from the test"
    with pytest.raises(OSError):
        call(sandbox, "writes", str(folder / "out.txt"), 0)
    assert not (folder / "out.txt").exists() and sandbox.scratch() != folder
    work = sandbox.workdir()
    call(sandbox, "makes", str(work))
    assert call(sandbox, "writes", str(work / "out.txt"), 0) == 0


def test_a_link_planted_for_the_grader_to_follow_is_refused(sandbox, tmp_path):
    """Student code that keeps planting links where the grader is about to write test files (a thread that lives
    on between calls) never makes the grader write outside the sandbox."""
    outside = tmp_path / "outside.txt"
    folder = sandbox.scratch()
    call(sandbox, "plants", str(folder), ["data.txt", "labels.txt"], str(outside), 2.0)
    time.sleep(0.3)
    for name in ("data.txt", "labels.txt"):
        (folder / name).write_text("test input")
    time.sleep(0.3)
    assert not outside.exists(), "the grader followed a link that student code planted"
    assert call(sandbox, "reads", str(folder / "data.txt")) == "test input"


def test_the_budget_stops_every_call_once_spent(tmp_path):
    root = make_impl(tmp_path / "impl")
    with Sandbox(root, EXECUTOR, Limits(call_timeout_s=30, budget_s=4), preload=()) as sb:
        with pytest.raises(BudgetExhausted, match="time budget"):
            call(sb, "loops")
        with pytest.raises(BudgetExhausted, match="used up"):
            call(sb, "echo", 1)


def test_private_paths_close_everything_but_the_grader_code_a_worker_runs(tmp_path):
    names = {p.name for p in private_paths(tmp_path)}
    assert {"tests", "configs", "solutions", ".git", "grading", "authoring", tmp_path.name} <= names
    assert not names & {"grader", "testkit", "training", "sandbox"}


def test_the_isolated_worker_cannot_read_private_files_or_write_outside_its_home(tmp_path):
    secret_dir = tmp_path / "secret"
    secret_dir.mkdir()
    (secret_dir / "expected.txt").write_text("42")
    os.chmod(tmp_path, 0o755)
    os.chmod(secret_dir, 0o755)
    os.chmod(secret_dir / "expected.txt", 0o644)
    root = make_impl(tmp_path / "impl")
    with Sandbox(root, EXECUTOR, Limits(call_timeout_s=10), private=[secret_dir], preload=()) as sb:
        assert sb.isolated
        with pytest.raises(OSError):  # not there (namespaces), or not readable (another user)
            call(sb, "reads", str(secret_dir / "expected.txt"))
        with pytest.raises(OSError):
            call(sb, "writes", str(tmp_path / "planted.txt"), 0)
        with pytest.raises(OSError):  # a read-only mount, or a file of another user
            call(sb, "writes", str(sb.impl / "layers" / "misc.py"), 0)
        assert call(sb, "writes", "mine.txt", 0) == 0
        assert call(sb, "pid") != os.getpid()
    assert not (tmp_path / "planted.txt").exists()


def test_workers_preload_torch_only_when_the_graded_code_or_a_training_run_uses_it(tmp_path):
    from grader.grading.runner import TORCH, preload_for

    (tmp_path / "layers").mkdir()
    (tmp_path / "layers" / "linear.py").write_text("import numpy as np\n")
    (tmp_path / "layers" / "activations_torch.py").write_text("import numpy as np\nfrom torch import nn\n")
    numpy_only = preload_for(["test_linear.py"], tmp_path, training=False)
    assert "numpy" in numpy_only and not set(TORCH) & set(numpy_only)
    assert set(TORCH) <= set(preload_for(["test_activations_torch.py"], tmp_path, training=False))
    assert set(TORCH) <= set(preload_for(["test_linear.py"], tmp_path, training=True))
    assert "mnist1d.data" in preload_for(["test_data.py"], tmp_path, training=False)


HEAVY = '''\
import os

TABLES = b"x" * (100 << 20)  # what importing a large library costs a worker (torch: about 300 MB)


def pid():
    return os.getpid()


KEPT = []


def keeps(megabytes):
    KEPT.append(bytearray(os.urandom(megabytes << 20)))
    return os.getpid()
'''


def test_a_worker_is_replaced_when_its_kept_data_grows_but_not_for_what_its_first_call_imported(tmp_path,
                                                                                                 monkeypatch):
    monkeypatch.setattr("grader.sandbox.supervisor.MEMORY_CHECK_EVERY_S", 0.2)
    root = make_impl(tmp_path / "impl", heavy=HEAVY)
    limits = Limits(call_timeout_s=30, budget_s=600, memory_mb=None, restart_above_mb=60)
    with Sandbox(root, EXECUTOR, limits, preload=("numpy",)) as sb:
        def pids(fn, *args, times=6):
            seen = []
            for _ in range(times):
                seen.append(sb.call(CALL, [f"layers.heavy:{fn}", *args], {}))
                time.sleep(0.25)
            return seen

        imported = pids("pid")
        assert len(set(imported)) == 1, "a worker whose first call imported 100 MB was replaced"
        kept = pids("keeps", 40)
        assert len(set(kept)) > 1, "a worker that kept 240 MB of data was never replaced"
