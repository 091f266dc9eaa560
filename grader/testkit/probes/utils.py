"""Probes for utils/: errors with their messages, initializers fed a Generator, torch models, plots."""
from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import torch
from torch import nn

from grader.testkit.probes.generic import target

__tracebackhide__ = True  # a failure's traceback shows the test and the student's code only


def raised_message(name: str, *args: Any, **kwargs: Any) -> dict | None:
    """Calls ``name(*args, **kwargs)``; returns ``{"type", "message"}`` of the exception it raised, or None."""
    try:
        target(name)(*args, **kwargs)
    except Exception as exc:  # the test decides which class and message were expected
        return {"type": type(exc).__name__, "message": str(exc)}
    return None


def draws_from_generator(name: str, args: list, seed: int, calls: int = 1) -> list:
    """Returns the results of ``calls`` calls ``name(*args, rng=gen)`` sharing one Generator seeded with ``seed``."""
    rng = np.random.default_rng(seed)
    fn = target(name)
    return [fn(*args, rng=rng) for _ in range(calls)]


def _model(frozen: list[int], tied: bool) -> nn.Module:
    """Returns Sequential(Linear(5, 7), BatchNorm1d(7), Linear(7, 7), Conv1d(7, 3, 3), Linear(3, 2)).

    With ``tied`` the last layer is the first one again (shared parameters);
    the parameters of the layers at the indices ``frozen`` do not require grad.
    """
    first = nn.Linear(5, 7)
    layers = [first, nn.BatchNorm1d(7), nn.Linear(7, 7), nn.Conv1d(7, 3, 3), first if tied else nn.Linear(3, 2)]
    for k in frozen:
        for p in layers[k].parameters():
            p.requires_grad_(False)
    return nn.Sequential(*layers)


def count_parameters(frozen: list[int], tied: bool = False) -> Any:
    """Returns utils.metrics.count_parameters of the model of ``_model(frozen, tied)``."""
    return target("utils.metrics:count_parameters")(_model(frozen, tied))


class OwnLinear(nn.Linear):
    """A subclass of nn.Linear, as a student's or a library's own layer type would be."""


def init_module(scheme: str, seed: int | None = None, global_seed: int = 0, with_bias: bool = True,
                edge_layers: bool = False, twins: bool = False) -> dict:
    """Returns the parameters of a small model before and after ``utils.init:init_module_(model, scheme, seed)``.

    The model: Linear(64, 256), a nested Sequential(Conv1d(32, 128, 5),
    BatchNorm1d(8)), Conv2d(16, 64, 3); with ``edge_layers`` also a
    Linear(16, 1) (one output) and a grouped Conv2d(64, 256, 3, groups=4)
    (fan_in 16 * 3 * 3); with ``twins`` then two layers of one shape, an
    ``OwnLinear(32, 32)`` (a subclass of nn.Linear) and an nn.Linear(32, 32).
    The global torch RNG is seeded with
    ``global_seed`` just before the call. Returns ``{"before", "params",
    "requires_grad", "same_tensors", "returned_model", "global_rng_untouched"}``:
    the parameters before and after the call by name, whether each still
    requires grad, whether every parameter is still the tensor it was, whether
    the call returned the model, and whether the global RNG is where the seed
    left it (the call drew nothing from it).
    """
    torch.manual_seed(1234)
    model = nn.Sequential(
        nn.Linear(64, 256, bias=with_bias),
        nn.Sequential(nn.Conv1d(32, 128, 5, bias=with_bias), nn.BatchNorm1d(8)),
        nn.Conv2d(16, 64, 3, bias=with_bias),
        *([nn.Linear(16, 1, bias=with_bias), nn.Conv2d(64, 256, 3, groups=4, bias=with_bias)] if edge_layers else []),
        *([OwnLinear(32, 32, bias=with_bias), nn.Linear(32, 32, bias=with_bias)] if twins else []),
    )
    with torch.no_grad():
        model[1][1].weight.uniform_(0.5, 1.5)
        model[1][1].bias.uniform_(-1.0, 1.0)
    before = dict(model.named_parameters())
    snapshot = {k: p.detach().clone() for k, p in before.items()}
    torch.manual_seed(global_seed)
    returned = target("utils.init:init_module_")(model, scheme, seed)
    global_after = torch.rand(1).item()
    torch.manual_seed(global_seed)
    after = dict(model.named_parameters())
    return {
        "before": snapshot,
        "params": {k: p.detach().clone() for k, p in after.items()},
        "requires_grad": {k: p.requires_grad for k, p in after.items()},
        "same_tensors": after.keys() == before.keys() and all(after[k] is before[k] for k in after),
        "returned_model": returned is model,
        "global_rng_untouched": global_after == torch.rand(1).item(),
    }


def written_file(path: str, max_bytes: int = 16 << 20) -> dict:
    """Returns what the implementation wrote at ``path``: ``{"kind", "size", "data"}``: ``"missing"``, ``"link"``,
    ``"other"`` or ``"file"`` (never followed, never opened unless a regular file), its size, and its bytes (uint8;
    empty when larger than ``max_bytes``). Read where it was written: a test never opens a path the implementation
    could write."""
    import os
    import stat

    found = {"kind": "missing", "size": 0, "data": np.zeros(0, dtype=np.uint8)}
    try:
        info = os.lstat(path)
    except OSError:
        return found
    found["size"] = info.st_size
    found["kind"] = "link" if stat.S_ISLNK(info.st_mode) else "file" if stat.S_ISREG(info.st_mode) else "other"
    if found["kind"] == "file" and info.st_size <= max_bytes:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as f:
            data = f.read(info.st_size + 1)  # it may have grown since: then it is not kept
        if len(data) == info.st_size:
            found["data"] = np.frombuffer(data, dtype=np.uint8).copy()
    return found


def plot_curves(history: dict, path: str, title: str | None = None, as_object: bool = False) -> dict:
    """Runs ``utils.plot:plot_curves(history, path, title)``; returns ``{"returned", "kind", "size", "data"}``: what
    it returned, as a string (or None), and the file it wrote (``written_file``).

    ``history`` goes in as the dict it is or, with ``as_object``, as an object with the same attributes.
    """
    hist = SimpleNamespace(**history) if as_object else history
    out = target("utils.plot:plot_curves")(hist, path, title)
    return {"returned": None if out is None else str(out), **written_file(path)}


def plot_curves_figure(history: dict, path: str, title: str | None = None) -> dict:
    """Runs ``utils.plot:plot_curves(history, path, title)`` and returns what the saved figure shows.

    Returns ``{"returned", "saved", "suptitle", "axes", "open_figures"}``: what
    the call returned (as a string), how many times a figure was saved, the
    figure's title, per panel ``{"title", "xlabel", "ylabel", "legend", "lines",
    "xs", "markers", "points"}`` (the legend's labels; each line's y values, its
    x values and whether it draws a marker at every point; the (x, y) offsets
    of each scatter collection), and how many pyplot figures the call left open.
    """
    import sys

    from matplotlib.collections import PathCollection
    from matplotlib.figure import Figure

    def open_figures() -> set:
        pyplot = sys.modules.get("matplotlib.pyplot")
        return set(pyplot.get_fignums()) if pyplot is not None else set()

    def draws_markers(line) -> bool:
        return line.get_marker() not in (None, "None", "", " ") and line.get_markersize() > 0

    already_open = open_figures()
    saved: list = []
    original = Figure.savefig

    def recording_savefig(self, *args, **kwargs):
        saved.append(self)
        return original(self, *args, **kwargs)

    Figure.savefig = recording_savefig
    try:
        out = target("utils.plot:plot_curves")(history, path, title)
    finally:
        Figure.savefig = original
    figure = saved[-1] if saved else None
    axes = []
    for ax in (figure.axes if figure is not None else []):
        legend = ax.get_legend()
        lines = ax.get_lines()
        axes.append({"title": ax.get_title(), "xlabel": ax.get_xlabel(), "ylabel": ax.get_ylabel(),
                     "legend": [t.get_text() for t in legend.get_texts()] if legend is not None else [],
                     "lines": [np.asarray(line.get_ydata(), dtype=np.float64) for line in lines],
                     "xs": [np.asarray(line.get_xdata(), dtype=np.float64) for line in lines],
                     "markers": [draws_markers(line) for line in lines],
                     "points": [np.asarray(c.get_offsets(), dtype=np.float64).reshape(-1, 2)
                                for c in ax.collections if isinstance(c, PathCollection)]})
    suptitle = figure._suptitle.get_text() if figure is not None and figure._suptitle is not None else ""
    return {"returned": None if out is None else str(out), "saved": len(saved), "suptitle": suptitle, "axes": axes,
            "open_figures": len(open_figures() - already_open)}
