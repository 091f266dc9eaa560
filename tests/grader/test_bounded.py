"""Bounded work on student input: every adversarial input is answered with a message, fast, in little memory.

Each kind of input the trusted process reads: zip entries and names, folder entries of every file type, YAML,
config values that set work, ``.npy`` arrays in reply frames, the PNG files tests check; then whole grades.
"""
import contextlib
import json
import os
import random
import re
import resource
import socket
import stat
import struct
import subprocess
import sys
import threading
import time
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pytest

from grader.submission import static

from grader.grading.intake import MAX_ENTRIES, SubmissionError, extract
from grader.grading.results import validate as validate_results
from grader.sandbox import protocol
from grader.testkit import plain
from grader.testkit.plain import PlainDataError
from grader.testkit.probes.utils import written_file
from grader.training.config import ConfigError, load_config
from tests.grader.helpers import ACT, REPO, submission
from tests.public.helpers import PNG_MAGIC, assert_png

MB = 1 << 20
FILES = {"student/layers/__init__.py": "", "student/layers/linear.py": "X = 1\n", "student/models/__init__.py": "",
         "student/optimizers/__init__.py": "", "student/utils/__init__.py": ""}
LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi"))
EXAMPLE = {"data": {"name": "digits"}, "model": {"type": "two_layer_net"}, "optimizer": {"type": "numpy_sgd"},
           "train": {"epochs": 2, "batch_size": 16}}


@contextlib.contextmanager
def bounded(seconds: float = 10, megabytes: int = 100):
    """Checks that the block takes under ``seconds`` and raises this process's peak memory by under ``megabytes``."""
    tracemalloc.start()
    before, start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss << 10, time.monotonic()
    try:
        yield
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    elapsed, grown = time.monotonic() - start, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss << 10) - before
    assert elapsed < seconds, f"took {elapsed:.1f} s"
    assert peak < megabytes * MB and grown < megabytes * MB, f"peak {peak / MB:.0f} MB, max RSS +{grown / MB:.0f} MB"


def outcome(fn, seconds: float = 20):
    """Returns what ``fn()`` returned or raised, failing if it does not end within ``seconds`` (a hang)."""
    box = []

    def run():
        try:
            box.append(fn())
        except BaseException as exc:  # the outcome itself is what the test checks
            box.append(exc)
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s: a hang"
    return box[0]


def refused(source: Path, match: str) -> None:
    """Checks that extracting ``source`` raises a SubmissionError matching ``match``, fast and cheaply."""
    dest = source.parent / f"out-{random.random()}"
    with bounded():
        got = outcome(lambda: extract(source, dest))
    assert isinstance(got, SubmissionError), f"expected a SubmissionError, got {got!r}"
    assert re.search(match, str(got)), str(got)


def entry(name: str | bytes, content: bytes = b"", method: int = 8, **header) -> dict:
    """Returns one entry for ``forge``: its data compressed with ``method``; ``header`` overrides what it declares."""
    data = content
    if method == 8:
        packer = zlib.compressobj(9, zlib.DEFLATED, -15)
        data = packer.compress(content) + packer.flush()
    name = name.encode() if isinstance(name, str) else name
    return {"name": name, "data": data, "method": method, "crc": zlib.crc32(content), "size": len(content),
            "flags": 0, "mode": stat.S_IFREG | 0o644, "at": None, **header}


def forge(path: Path, entries: list[dict], count: int | None = None) -> Path:
    """Writes a zip by hand, so that its headers can say anything; ``at``: share the local header of that entry."""
    body, central, offsets = bytearray(), bytearray(), []
    for e in entries:
        offsets.append(len(body) if e["at"] is None else offsets[e["at"]])
        fields = (e["flags"], e["method"], 0, 0x21, e["crc"], len(e["data"]), e["size"], len(e["name"]), 0)
        if e["at"] is None:
            body += struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", 20, 0, *fields) + e["name"] + e["data"]
        central += struct.pack("<4s4B4HL2L5H2L", b"PK\x01\x02", 20, 3, 20, 0, *fields, 0, 0, 0,
                               e["mode"] << 16, offsets[-1]) + e["name"]
    n = len(entries) if count is None else count
    path.write_bytes(body + central + struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, n & 0xFFFF, n & 0xFFFF,
                                                  len(central), len(body), 0))
    return path


def base() -> list[dict]:
    return [entry(name, text.encode()) for name, text in FILES.items()]


def make_folder(root: Path) -> Path:
    for name, text in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


# ---- zips ----
ZIP_ATTACKS = {
    "bomb": ([entry("student/layers/bomb.py", bytes(4 * MB))], r"compressed more than 100 to 1"),
    "declared 1 GB": ([entry("student/layers/big.py", bytes(1000), size=1 << 30)], r"larger than 5 MB"),
    "fewer bytes than declared": ([entry("student/layers/a.py", b"#" * 2000, method=0, size=100_000)],
                                  r"holds 2000 bytes but the zip declares 100000"),
    "bad CRC": ([entry("student/layers/a.py", b"X = 1\n", crc=0)], r"could not be read from the zip.*CRC"),
    "name not UTF-8": ([entry(b"student/layers/\xff\xfe.py")], r"not valid UTF-8"),
    "flagged UTF-8 that is not": ([entry(b"student/layers/\xff.py", flags=0x800)], r"not valid UTF-8"),
    "NUL in a name": ([entry(b"student/layers/a\x00.py")], r"control character"),
    "escape in a name": ([entry("student/layers/\x1b[2J.py")], r"control character"),
    "long name": ([entry("student/layers/" + "a" * 300 + ".py")], r"longer than 255 bytes"),
    "deep name": ([entry("student/" + "d/" * 20 + "x.py")], r"more than 16 folders deep"),
    "drive path": ([entry("C:/evil.py")], r"unsafe path"),
    "same path twice": ([entry("student/layers/a.py"), entry("student\\layers\\a.py")], r"twice"),
    "file and folder": ([entry("student/layers/a"), entry("student/layers/a/b.py")], r"both a file and a folder"),
    "encrypted": ([entry("student/layers/a.py", b"X", flags=1)], r"encrypted"),
    "bzip2": ([entry("student/layers/a.py", b"X", method=12)], r"method 12"),
    "lzma": ([entry("student/layers/a.py", b"X", method=14)], r"method 14"),
    "FIFO": ([entry("student/layers/p.py", mode=stat.S_IFIFO | 0o644)], r"special file"),
    "device": ([entry("student/layers/d.py", mode=stat.S_IFCHR | 0o644)], r"special file"),
    "link": ([entry("student/layers/l.py", b"/etc/shadow", mode=stat.S_IFLNK | 0o777)], r"link"),
    "overlapping entries": ([entry("student/layers/a.py"), entry("student/layers/b.py", at=5)], r"overlaps"),
}


@pytest.mark.parametrize("attack", ZIP_ATTACKS)
def test_an_adversarial_zip_entry_is_refused_with_a_message(tmp_path, attack):
    extra, match = ZIP_ATTACKS[attack]
    refused(forge(tmp_path / "s.zip", base() + extra), match)
    assert not (tmp_path / "evil.py").exists()


def test_the_archive_size_and_entry_count_are_checked_before_zipfile_reads_the_table(tmp_path):
    refused(forge(tmp_path / "lies.zip", base(), count=60000), rf"more than {MAX_ENTRIES} files")
    with zipfile.ZipFile(tmp_path / "many.zip", "w") as z:
        for i in range(MAX_ENTRIES + 1):
            z.writestr(f"student/layers/m{i}.py", "")
    refused(tmp_path / "many.zip", rf"more than {MAX_ENTRIES} files")
    with open(tmp_path / "huge.zip", "wb") as f:
        f.truncate(10 << 30)  # sparse: 10 GB declared, nothing written
    refused(tmp_path / "huge.zip", r"huge.zip is larger than 60 MB")


def test_a_header_that_understates_a_bomb_reads_only_what_it_declares(tmp_path):
    packer, data = zlib.compressobj(9, zlib.DEFLATED, -15), b""
    for _ in range(64):  # 64 MB of zeros deflate to about 64 KB
        data += packer.compress(bytes(MB))
    bomb = entry("student/layers/bomb.py", crc=zlib.crc32(bytes(60_000)), size=60_000)
    forge(tmp_path / "s.zip", base() + [{**bomb, "data": data + packer.flush()}])
    with bounded():
        sub = outcome(lambda: extract(tmp_path / "s.zip", tmp_path / "out"))
    assert (sub.root / "layers" / "bomb.py").read_bytes() == bytes(60_000)


def test_a_zip_inside_the_submission_is_just_a_file(tmp_path):
    inner = forge(tmp_path / "inner.zip", [entry("bomb.txt", bytes(4 * MB))]).read_bytes()
    forge(tmp_path / "s.zip", base() + [entry("student/layers/inner.zip", inner, method=0)])
    with bounded():
        sub = extract(tmp_path / "s.zip", tmp_path / "out")
    assert (sub.root / "layers" / "inner.zip").read_bytes() == inner


# ---- folders ----
def test_every_special_file_type_in_a_folder_is_refused_without_hanging(tmp_path, monkeypatch):
    kinds = {"fifo": lambda p: os.mkfifo(p), "socket": lambda p: socket.socket(socket.AF_UNIX).bind(p.name),
             "device": lambda p: os.mknod(p, stat.S_IFCHR | 0o644, os.makedev(1, 3))}
    for kind, make in kinds.items():
        root = make_folder(tmp_path / kind)
        monkeypatch.chdir(root / "student" / "layers")
        try:
            make(root / "student" / "layers" / f"{kind}.py")
        except PermissionError:
            assert kind == "device"
            continue
        refused(root, rf"special file \(student/layers/{kind}.py")
    root = make_folder(tmp_path / "config-fifo")
    (root / "configs").mkdir()
    os.mkfifo(root / "configs" / "experiment.yaml")
    refused(root, r"special file \(configs/experiment.yaml")


@pytest.mark.parametrize("attack, match", [
    ("dir link", r"contains a link"), ("depth", r"more than 16 folders deep"), ("count", r"more than 2000 files"),
    ("sparse", r"larger than 5 MB"), ("not UTF-8", r"not valid UTF-8"), ("control", r"control character"),
])
def test_an_adversarial_folder_entry_is_refused_with_a_message(tmp_path, attack, match):
    layers = make_folder(tmp_path / "s") / "student" / "layers"
    if attack == "dir link":
        os.symlink("/", layers / "root")
    elif attack == "depth":
        (layers / Path(*["d"] * 20)).mkdir(parents=True)
    elif attack == "count":
        for i in range(MAX_ENTRIES + 1):
            (layers / f"m{i}.py").touch()
    elif attack == "sparse":
        with open(layers / "big.py", "wb") as f:
            f.truncate(10 << 30)
    elif attack == "not UTF-8":
        os.close(os.open(bytes(layers) + b"/\xff.py", os.O_CREAT | os.O_WRONLY))
    else:
        (layers / "bell\x07.py").write_text("")
    refused(tmp_path / "s", match)


def denied(real, suffix: str):
    """Returns ``real`` (os.scandir, os.open) failing on paths ending in ``suffix`` as chmod 000 does (not as root)."""
    def call(path, *args, **kwargs):
        if str(path).endswith(suffix):
            raise PermissionError(13, "Permission denied")
        return real(path, *args, **kwargs)
    return call


def test_unreadable_files_and_folders_are_named(tmp_path, monkeypatch):
    root = make_folder(tmp_path / "s")
    monkeypatch.setattr(os, "scandir", denied(os.scandir, "models"))
    refused(root, r"folder student/models cannot be read \(Permission denied\)")
    monkeypatch.undo()
    monkeypatch.setattr(os, "open", denied(os.open, "linear.py"))
    refused(root, r"student/layers/linear.py cannot be read \(Permission denied\)")


# ---- YAML ----
@pytest.mark.parametrize("text, match", [
    (LAUGHS, r"anchors and aliases"),
    ("data: &d {name: digits}\nmodel: *d\n", r"anchors and aliases"),
    ("[" * 100_000 + "]" * 100_000, r"not valid YAML|nested more than"),
    ("".join("  " * i + "k:\n" for i in range(200)), r"nested more than 16 levels"),
    ("seed: !!python/object/apply:os.system [echo hi]\n", r"explicit tags"),
    ("seed: !!binary aGVsbG8=\n", r"explicit tags"),
    ("seed: " + "9" * 100_000 + "\n", r"a value cannot be read"),
    ("# " + "x" * MB + "\n", r"larger than 256 KB"),
    (None, r"cannot be read as a config file: not a regular file"),
    (json.dumps(EXAMPLE)[:-1] + ', "seed": 2024-01-01}', r"seed must be an integer, got '2024-01-01'"),
])
def test_an_adversarial_yaml_config_is_refused_with_a_message(tmp_path, text, match):
    path = tmp_path / "experiment.yaml"
    if text is None:
        os.mkfifo(path)
    else:
        path.write_text(text)
    with bounded():
        got = outcome(lambda: load_config(path))
    assert isinstance(got, ConfigError) and re.search(match, str(got)), repr(got)
    assert str(got).startswith(str(path))


# ---- config values that set work (every bound: test_config.py) ----
@pytest.mark.parametrize("data, train, match", [
    ({"name": "spirals", "n_per_class": 10**12, "n_classes": 10**6}, {"epochs": 1, "batch_size": 1},
     r"data.n_per_class must be <= 5000, got 1000000000000"),
    ({"name": "digits"}, {"epochs": 10**9, "batch_size": 1}, r"train.epochs must be <= 200"),
    ({"name": "spirals", "n_per_class": 5000, "n_classes": 10}, {"epochs": 200, "batch_size": 1},
     r"is 10,000,000 examples to train on, more than 5,000,000; lower train.epochs"),
])
def test_a_config_asking_for_hours_or_gigabytes_is_refused_fast(tmp_path, data, train, match):
    path = tmp_path / "experiment.yaml"
    path.write_text(json.dumps({**EXAMPLE, "data": data, "train": train}))
    with bounded(seconds=2, megabytes=10), pytest.raises(ConfigError, match=match):
        load_config(path)


# ---- arrays in reply frames ----
def npy(shape, descr="<f8", body=b"", version=b"\x01\x00", as_numpy_writes=False) -> bytes:
    """Returns .npy bytes; the header a dict's repr, or ``as_numpy_writes`` it (the form the grader reads without a
    parser)."""
    header = repr({"descr": descr, "fortran_order": False, "shape": shape}).encode()
    if as_numpy_writes:
        header = f"{{'descr': {descr!r}, 'fortran_order': False, 'shape': {shape!r}, }}".encode()
    header += b" " * (63 - (len(header) + 10) % 64) + b"\n"
    return b"\x93NUMPY" + version + struct.pack("<H", len(header)) + header + body


def frame(raw: bytes) -> bytes:
    """Returns the bytes of a reply whose predictions are the array ``raw`` (.npy bytes)."""
    return json.dumps({"predictions": {plain.ARRAY_KEY: [0, len(raw)]}}).encode() + b"\x00" + raw


@pytest.mark.parametrize("raw, match", [
    (npy((10**6, 10**6)), r"needs 8000000000000 bytes, more than the 64 MB allowed"),
    (npy((1000, 1000), body=bytes(80)), r"declares shape \(1000, 1000\).*but holds 80 bytes"),
    (npy((3,), "|O", bytes(24)), r"dtype object"),
    (npy((1,), [("a", "<f8")], bytes(8)), r"dtype \[\('a', '<f8'\)\]"),
    (npy((2,), "<U8", bytes(64)), r"dtype <U8"),
    (npy((-1, 5)), r"impossible shape"),
    (npy((1,), version=b"\x03\x00"), r"not valid .npy"),
    (b"\x93NUMPY\x01\x00\xff\xff" + b"{" * 65535, r"not valid .npy"),
    (b"not an array", r"not valid .npy"),
])
def test_an_adversarial_array_in_a_frame_is_refused_before_allocating(raw, match):
    with bounded(seconds=2, megabytes=20), pytest.raises(PlainDataError, match=match):
        plain.decode(frame(raw))


@pytest.mark.parametrize("raw, match", [
    (npy((10**6, 10**6), as_numpy_writes=True), r"needs 8000000000000 bytes, more than the 64 MB allowed"),
    (npy((10**17, 10**17, 10**17), "|b1", as_numpy_writes=True), r"more than the 64 MB allowed"),
    (npy((1000, 1000), body=bytes(80), as_numpy_writes=True), r"declares shape \(1000, 1000\).*but holds 80 bytes"),
    (npy((3,), "|O", bytes(24), as_numpy_writes=True), r"dtype object"),
    (npy((2,), "<U8", bytes(64), as_numpy_writes=True), r"dtype <U8"),
    (npy((-1, 5), as_numpy_writes=True), r"impossible shape"),
    (npy((3,), "<f8", bytes(16), as_numpy_writes=True), r"declares shape \(3,\).*but holds 16 bytes"),
    (b"\x93NUMPY\x01\x00\xff\x00{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }\n", r"not valid .npy"),
])
def test_an_adversarial_array_with_the_header_numpy_writes_is_refused_before_allocating(raw, match):
    with bounded(seconds=2, megabytes=20), pytest.raises(PlainDataError, match=match):
        plain.decode(frame(raw))


def test_frames_are_bounded_and_arrays_still_come_back():
    assert protocol.MAX_FRAME <= 16 * MB
    for place in ("7", '"AAAA"', "[0, 1, 2]", "[-1, 4]", "[true, 4]", "[0, 1.5]"):
        with pytest.raises(PlainDataError, match=r"expected \[offset, length\]"):
            plain.decode(b'{"__ndarray__": %s}\x00' % place.encode() + bytes(8))
    for data in (b'{"__ndarray__": [0, 200]}\x00' + bytes(100), b'{"__ndarray__": [0, 10]}'):
        with pytest.raises(PlainDataError, match="said to lie at bytes 0 to"):
            plain.decode(data)
    with pytest.raises(PlainDataError, match="nests more than 64 levels"):
        plain.decode(b"[" * 5000 + b"]" * 5000)
    sent = {"a": np.arange(6, dtype=np.int32).reshape(2, 3).T, "b": np.zeros((0, 4)), "c": np.array(2.5, dtype=np.float32),
            "d": np.array([True, False]), "e": np.arange(3, dtype=">f8")}
    back = plain.decode(plain.encode(sent))
    for key, array in sent.items():
        assert back[key].dtype == array.dtype and back[key].shape == array.shape and np.array_equal(back[key], array)


# ---- PNG files ----
def png(width: int, height: int) -> bytes:
    """Returns a PNG file whose header says ``width`` x ``height`` (its pixels all black up to 100 rows)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    pixels = zlib.compress(bytes(min(height, 100) * (1 + 3 * min(width, 100))))
    return (PNG_MAGIC + chunk(b"IHDR", struct.pack(">II5B", width, height, 8, 2, 0, 0, 0)) + chunk(b"IDAT", pixels)
            + chunk(b"IEND", b""))


def test_png_headers_are_checked_before_any_decoder(tmp_path):
    path = tmp_path / "plot.png"
    path.write_bytes(png(4, 3))
    assert_png(written_file(str(path)), "plot_curves")
    cases = {"a 100000x100000 PNG image": png(100_000, 100_000), "not a PNG image": b"GIF89a" + bytes(40),
             "without a valid IHDR": PNG_MAGIC + bytes(25), "a 0x3 PNG": png(0, 3),
             "a plot is a PNG of well under 16 MB": png(4, 3) + bytes(17 * MB)}
    for match, data in cases.items():
        path.write_bytes(data)
        with bounded(seconds=2, megabytes=10), pytest.raises(AssertionError, match=match):
            assert_png(written_file(str(path)), "plot_curves")
    for make, match in ((os.mkfifo, "wrote no file"), (lambda p: p.symlink_to("/dev/zero"), "wrote a link")):
        path.unlink()
        make(path)
        got = outcome(lambda: assert_png(written_file(str(path)), "plot_curves"))
        assert isinstance(got, AssertionError) and match in str(got), repr(got)


# ---- whole grades ----
def grade_measured(tmp_path: Path, source: Path, rubric_text: str) -> tuple[dict, int]:
    """Returns (results.json, the grade process's own peak RSS in bytes) of ``python -m grader grade``."""
    (tmp_path / "rubric.yaml").write_text(rubric_text)
    results, rss = tmp_path / "results" / "results.json", tmp_path / "rss"
    wrapper = ("import atexit, os, resource, runpy, sys; me = os.getpid(); out = sys.argv.pop(1); "
               "atexit.register(lambda: os.getpid() == me and open(out, 'w').write("
               "str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))); "
               "sys.argv[0] = 'grader'; runpy.run_module('grader', run_name='__main__')")
    proc = subprocess.run([sys.executable, "-c", wrapper, str(rss), "grade", str(source), "--results", str(results),
                           "--rubric", str(tmp_path / "rubric.yaml")], cwd=REPO, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    data = json.loads(results.read_text())
    assert validate_results(data) == []
    return data, int(rss.read_text()) << 10


RUBRIC = f"suites:\n  s: {{path: {ACT}, details: true}}\nsandbox: {{call_timeout_s: 20, budget_s: 300}}\n"


def test_a_zip_bomb_with_a_yaml_bomb_is_rejected_with_a_message_in_little_memory(tmp_path):
    entries = [entry(f"student/{p.relative_to(REPO / 'solutions').as_posix()}", p.read_bytes())
               for p in sorted((REPO / "solutions").rglob("*.py")) if "__pycache__" not in p.parts]
    packer, bomb, crc = zlib.compressobj(9, zlib.DEFLATED, -15), b"", 0
    for _ in range(256):  # 256 MB of zeros in about 256 KB
        bomb, crc = bomb + packer.compress(bytes(MB)), zlib.crc32(bytes(MB), crc)
    entries += [{**entry("student/utils/weights.py", crc=crc, size=256 * MB), "data": bomb + packer.flush()},
                entry("configs/experiment.yaml", LAUGHS.encode())]
    data, rss = grade_measured(tmp_path, forge(tmp_path / "submission.zip", entries), RUBRIC)
    assert data["score"] == 0 and "Your submission was not graded" in data["output"]
    assert "student/utils/weights.py is larger than 5 MB" in data["output"], data["output"]
    assert rss < 700 * MB, f"the grade took {rss / MB:.0f} MB"


def test_a_yaml_bomb_as_the_experiment_config_costs_only_its_run(tmp_path):
    sub = submission(tmp_path)
    (sub / "configs").mkdir()
    (sub / "configs" / "experiment.yaml").write_text(LAUGHS)
    rubric = RUBRIC + (f"training:\n  - {{name: tuned, config: {REPO / 'configs' / 'experiment.yaml'}, points: 1, "
                       "from_submission: true, time_limit_s: 60}\n")
    data, rss = grade_measured(tmp_path, sub, rubric)
    run = next(t for t in data["tests"] if t["extra_data"]["id"] == "training/tuned")
    assert run["score"] == 0 and "Your configs/experiment.yaml cannot be used" in run["output"]
    assert "anchors and aliases (&name, *name) are not accepted" in run["output"], run["output"]
    assert any(t["score"] > 0 for t in data["tests"]), "the rest of the submission is graded"
    assert rss < 700 * MB, f"the grade took {rss / MB:.0f} MB"


def test_a_source_file_nested_too_deeply_is_refused_with_a_message(tmp_path):
    root = tmp_path / "student"
    (root / "layers").mkdir(parents=True)
    (root / "layers" / "deep.py").write_text("x = " + "-" * 200_000 + "1\n")
    (root / "layers" / "nested.py").write_text("x = " + "(" * 90 + "1" + ")" * 90 + "\n")
    found = static.check(root, [])
    deep = [f for f in found if f.file == "layers/deep.py"]
    assert deep and "nested too deeply" in str(deep[0])
