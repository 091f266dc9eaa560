"""Finding student/ in a submission and copying it out: every layout accepted, every unsafe zip rejected."""
import os
import random
import stat
import zipfile
from importlib.machinery import EXTENSION_SUFFIXES, PathFinder
from pathlib import Path

import pytest

from grader.grading.intake import MAX_FILE_BYTES, SubmissionError, extract
from grader.submission import static
from grader.submission.files import required_modules
from grader.submission.package import SubmissionRefused, build_submission
from grader.submission.shadows import drop_rivals

FILES = {"layers/__init__.py": '"""Layers."""\n', "layers/linear.py": "X = 1\n", "models/__init__.py": "",
         "optimizers/__init__.py": "", "utils/__init__.py": "", "utils/data.py": "Y = 2\n"}
EXPECTED = ["layers/linear.py", "layers/losses.py", "utils/data.py"]


def make_zip(path: Path, entries: dict[str, str], links: dict[str, str] | None = None) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        for name, text in entries.items():
            z.writestr(name, text)
        for name, target in (links or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            z.writestr(info, target)
    return path


def make_folder(root: Path, entries: dict[str, str]) -> Path:
    for name, text in entries.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("prefix", ["student/", "handin/student/", ""])
@pytest.mark.parametrize("form", ["zip", "folder"])
def test_every_layout_gives_the_same_implementation(tmp_path, prefix, form):
    entries = {prefix + k: v for k, v in FILES.items()}
    entries["README.md"] = "notes"
    entries[prefix + "layers/__pycache__/linear.cpython-311.pyc"] = "junk"
    source = make_zip(tmp_path / "s.zip", entries) if form == "zip" else make_folder(tmp_path / "s", entries)
    sub = extract(source, tmp_path / "out")
    assert tree(sub.root) == FILES
    assert [f.file for f in static.check(sub.root, EXPECTED) if f.kind == static.MISSING] == ["layers/losses.py"]


def test_macos_metadata_is_ignored(tmp_path):
    entries = {"student/" + k: v for k, v in FILES.items()}
    entries["__MACOSX/student/layers/._linear.py"] = "resource fork"
    sub = extract(make_zip(tmp_path / "s.zip", entries), tmp_path / "out")
    assert tree(sub.root) == FILES


def test_the_experiment_config_beside_student_is_found(tmp_path):
    entries = {"student/" + k: v for k, v in FILES.items()}
    entries["configs/experiment.yaml"] = "seed: 3\n"
    sub = extract(make_zip(tmp_path / "s.zip", entries), tmp_path / "out")
    assert sub.experiment.read_text() == "seed: 3\n"
    folder = extract(make_folder(tmp_path / "f", entries), tmp_path / "out2")
    assert folder.experiment.read_text() == "seed: 3\n"


@pytest.mark.parametrize("name", ["../evil.py", "student/../../evil.py", "/tmp/evil.py", "student/layers/..\\..\\evil.py"])
def test_parent_and_absolute_paths_reject_the_zip_and_write_nothing(tmp_path, name):
    entries = {"student/" + k: v for k, v in FILES.items()}
    entries[name] = "import os\n"
    work = tmp_path / "work"
    work.mkdir()
    before = sorted(p.name for p in tmp_path.rglob("*"))
    with pytest.raises(SubmissionError, match="unsafe path"):
        extract(make_zip(tmp_path / "s.zip", entries), work / "out")
    assert not (tmp_path / "evil.py").exists() and not Path("/tmp/evil.py").exists()
    assert sorted(p.name for p in tmp_path.rglob("*")) == sorted(before + ["s.zip", "out"])


def test_links_in_a_zip_are_rejected(tmp_path):
    entries = {"student/" + k: v for k, v in FILES.items()}
    with pytest.raises(SubmissionError, match="link"):
        extract(make_zip(tmp_path / "s.zip", entries, {"student/layers/secret.py": "/etc/passwd"}),
                tmp_path / "out")


def test_links_in_a_folder_are_rejected(tmp_path):
    folder = make_folder(tmp_path / "s", {"student/" + k: v for k, v in FILES.items()})
    os.symlink("/etc/passwd", folder / "student" / "layers" / "losses.py")
    with pytest.raises(SubmissionError, match="link"):
        extract(folder, tmp_path / "out")


def test_oversized_files_are_rejected(tmp_path):
    entries = {"student/" + k: v for k, v in FILES.items()}
    entries["student/layers/big.py"] = "#" * (MAX_FILE_BYTES + 1)
    with pytest.raises(SubmissionError, match="larger than"):
        extract(make_zip(tmp_path / "s.zip", entries), tmp_path / "out")


def test_damaged_zips_are_refused_with_a_message_never_another_exception(tmp_path):
    entries = {"student/" + k: v for k, v in FILES.items()}
    entries["configs/experiment.yaml"] = "seed: 1\n"
    good = make_zip(tmp_path / "good.zip", entries).read_bytes()
    rng = random.Random(0)
    variants = [good[:n] for n in range(0, len(good), 11)] + [b"PK\x05\x06" + bytes(18), b"PK"]
    for _ in range(150):
        damaged = bytearray(good)
        for _ in range(rng.randint(1, 4)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        variants.append(bytes(damaged))
    for i, data in enumerate(variants):
        (tmp_path / "v.zip").write_bytes(data)
        try:
            extract(tmp_path / "v.zip", tmp_path / f"out{i}")
        except SubmissionError:
            pass


def test_a_submission_without_student_code_is_explained(tmp_path):
    with pytest.raises(SubmissionError, match="no student/ folder found"):
        extract(make_zip(tmp_path / "s.zip", {"notes.txt": "hi"}), tmp_path / "out")
    with pytest.raises(SubmissionError, match="not a readable zip"):
        (tmp_path / "bad.zip").write_text("not a zip")
        extract(tmp_path / "bad.zip", tmp_path / "out2")


def test_two_student_folders_are_ambiguous(tmp_path):
    entries = {p + "student/" + k: v for p in ("a/", "b/") for k, v in FILES.items()}
    with pytest.raises(SubmissionError, match="several student/ folders"):
        extract(make_zip(tmp_path / "s.zip", entries), tmp_path / "out")


def test_required_modules_are_the_skeletons_python_files():
    names = required_modules()
    assert "layers/activations.py" in names and all(n.endswith(".py") for n in names)


# ---- what Python would import in place of a file ----

GIVEN = "layers/activations.py"
FORMS = {  # every other form the folder layers/ can give the module layers.activations
    "package": {"layers/activations/__init__.py": "def relu_forward(x):\n    return 'wrong'\n"},
    "package of bytecode": {"layers/activations/__init__.pyc": "bytecode"},
    "namespace package": {"layers/activations/relu.py": "WRONG = 1\n"},
    "bytecode beside": {"layers/activations.pyc": "bytecode"},
    **{f"extension {suffix}": {f"layers/activations{suffix}": "ELF"} for suffix in EXTENSION_SUFFIXES},
}


def imported_file(root: Path, module: str) -> Path:
    """Returns the file Python imports as ``module`` (``layers.activations``) of the implementation at ``root``."""
    package = module.rpartition(".")[0]
    PathFinder.invalidate_caches()
    return Path(PathFinder.find_spec(module, [str(root.joinpath(*package.split(".")))]).origin)


@pytest.mark.parametrize("form", sorted(FORMS))
@pytest.mark.parametrize("layout", ["zip", "folder"])
def test_python_imports_the_given_code_whatever_else_takes_its_name(tmp_path, form, layout):
    """Grading writes the reference of a given file over the submission's: no package, extension or bytecode of
    the same name may be what Python imports instead."""
    entries = {"student/" + k: v for k, v in {**FILES, GIVEN: "X = 'the student's'\n", **FORMS[form]}.items()}
    source = make_zip(tmp_path / "s.zip", entries) if layout == "zip" else make_folder(tmp_path / "s", entries)
    sub = extract(source, tmp_path / "out")
    (sub.root / GIVEN).write_text("X = 'the reference'\n")  # as grading does
    drop_rivals(sub.root, [GIVEN])
    assert imported_file(sub.root, "layers.activations") == sub.root / GIVEN
    assert [name for name in tree(sub.root) if name.startswith("layers/activations")] == [GIVEN]


def test_compiled_code_is_never_copied_out_of_a_submission(tmp_path):
    entries = {"student/" + k: v for k, v in FILES.items()}
    entries.update({f"student/utils/fast{suffix}": "ELF" for suffix in EXTENSION_SUFFIXES})
    entries["student/utils/helpers.pyc"] = "bytecode"
    assert tree(extract(make_zip(tmp_path / "s.zip", entries), tmp_path / "out").root) == FILES


@pytest.mark.parametrize("rival, named", [("layers/linear/__init__.py", "student/layers/linear/"),
                                          ("layers/linear/__init__.pyc", "student/layers/linear/"),
                                          ("layers/linear.abi3.so", "student/layers/linear.abi3.so")])
def test_a_file_that_python_would_not_import_is_refused_naming_both_paths(tmp_path, rival, named):
    """The checks read layers/linear.py; Python would run the other: make submission refuses, and says what to
    delete."""
    student = make_folder(tmp_path / "student", {**FILES, rival: "X = 2\n"})
    found = [str(f) for f in static.check(student, []) if f.kind == static.SHADOW]
    assert found == [f"student/layers/linear.py: Python imports {named} instead of this file, so your code would "
                     f"not run what the checks read; delete {named} (or this file)"]
    with pytest.raises(SubmissionRefused, match=named):
        build_submission(student, tmp_path / "submission.zip", required=[])


def test_compiled_code_that_shadows_nothing_is_reported_as_not_submitted(tmp_path):
    student = make_folder(tmp_path / "student", {**FILES, "utils/fast.so": "ELF", "utils/__pycache__/data.pyc": ""})
    assert [str(f) for f in static.check(student, [])] == [
        "student/utils/fast.so: compiled code is neither submitted nor run when your code is graded (only your .py "
        "files are); delete it"]
