"""Resource limits of a worker: what they are, how the worker applies them to itself, how a death reads."""
from __future__ import annotations

import resource
import signal
from dataclasses import dataclass

_MB = 1 << 20


@dataclass
class Limits:
    """What one worker may use; every time is in seconds, every size in MB."""

    call_timeout_s: float = 20.0
    budget_s: float = 540.0
    memory_mb: int | None = 1536
    cpu_s: int = 600
    processes: int = 32
    file_size_mb: int = 64
    space_mb: int = 256
    """What the worker's home and temporary folders (and /dev/shm) may hold in all."""
    output_kb: int = 64
    restart_above_mb: int | None = 120


def apply_limits(settings: dict) -> None:
    """Applies the worker's resource limits to this process (before any student code runs)."""
    soft_hard = {
        resource.RLIMIT_CPU: (settings["cpu_s"], settings["cpu_s"] + 5),
        resource.RLIMIT_FSIZE: (settings["file_size_mb"] * _MB,) * 2,
        resource.RLIMIT_CORE: (0, 0),
    }
    if settings.get("nproc") is not None:
        soft_hard[resource.RLIMIT_NPROC] = (settings["nproc"],) * 2
    if settings.get("memory_mb"):
        soft_hard[resource.RLIMIT_AS] = (settings["memory_mb"] * _MB,) * 2
    for which, (soft, hard) in soft_hard.items():
        old_soft, old_hard = resource.getrlimit(which)
        hard = hard if old_hard == resource.RLIM_INFINITY else min(hard, old_hard)
        resource.setrlimit(which, (min(soft, hard), hard))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def over_memory(peak_kb: int | None, limits: Limits) -> bool:
    """Whether a worker whose largest resident size was ``peak_kb`` used its whole memory limit (the evidence for
    saying that it died of using too much memory)."""
    return bool(limits.memory_mb and peak_kb is not None and peak_kb >= 0.9 * limits.memory_mb * 1024)


def unexplained(returncode: int | None, peak_kb: int | None, limits: Limits) -> bool:
    """Whether a worker that ended so was killed from outside for no reason its own use shows (a SIGKILL without
    its memory over the limit, or no status at all): a fault of the machine, not of the code."""
    return returncode is None or (returncode == -signal.SIGKILL and not over_memory(peak_kb, limits))


def describe_death(returncode: int | None, limits: Limits, peak_kb: int | None = None) -> str:
    """Returns how a worker that ended with ``returncode`` (negative: a signal; None: unknown) died, in words; a
    cause is named only with evidence (``peak_kb``: its largest resident size)."""
    if returncode is None:
        return "stopped answering"
    if returncode < 0:
        sig = -returncode
        if sig == signal.SIGXCPU:
            return f"was stopped after using its CPU time limit ({limits.cpu_s} s)"
        if sig == signal.SIGKILL and over_memory(peak_kb, limits):
            return (f"was killed for using too much memory ({peak_kb // 1024} MB; the limit is "
                    f"{limits.memory_mb} MB)")
        if sig == signal.SIGSEGV:
            return "crashed (segmentation fault)"
        name = signal.Signals(sig).name if sig in signal.valid_signals() else str(sig)
        return f"was killed by signal {name}"
    return f"exited with status {returncode}"
