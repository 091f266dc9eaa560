"""Similarity screening: copies stand out, the skeleton never counts, honest work scores lower, the page is safe."""
import csv
import re
import textwrap
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from copydetect import compare_files

from grader import cli
from grader.authoring.classgrading import similarity
from grader.authoring.classgrading.similarity import CSV, HTML, Copied, Pair, screen, screen_students, write
from grader.authoring.classgrading.submissions import find_students
from tests.grader.helpers import REPO

SKELETON = REPO / "student"
FILES = ("layers/linear.py", "layers/activations.py", "layers/losses.py")
ATTACK = '</pre><script>alert(1)</script>'
# an honest implementation of every function of layers/losses.py, written apart from the solutions
HONEST = {
    "softmax": """
        out = np.exp(z - np.amax(z, axis=-1)[..., None])
        out /= out.sum(-1)[..., None]
        return out""",
    "log_softmax": """
        top = np.amax(z, axis=-1)[..., None]
        return z - (top + np.log(np.exp(z - top).sum(-1)[..., None]))""",
    "cross_entropy": """
        count = len(y)
        p = softmax(z)
        picked = log_softmax(z)[np.arange(count), y]
        p[np.arange(count), y] = p[np.arange(count), y] - 1
        return -float(picked.sum()) / count, p / count""",
    "binary_cross_entropy": """
        total = np.clip(z, 0, None) - z * y + np.log(1 + np.exp(-np.abs(z)))
        sig = 0.5 * (1 + np.tanh(0.5 * z))
        return float(total.sum() / len(z)), (sig - y) / len(z)""",
    "mse": """
        err = (pred - target).astype(float)
        return float((err ** 2).sum() / err.size), err * (2 / err.size)""",
    "cross_entropy_loss": """
        top = torch.amax(logits, dim=1, keepdim=True)
        lse = top + torch.log(torch.sum(torch.exp(logits - top), dim=1, keepdim=True))
        return -torch.mean(torch.gather(logits - lse, 1, y[:, None]))""",
    "binary_cross_entropy_loss": """
        a = torch.abs(logits)
        return torch.mean(torch.clamp(logits, min=0) - logits * y + torch.log(1 + torch.exp(-a)))""",
    "mse_loss": """
        return torch.mean(torch.square(pred - target))""",
}
RENAMES = {"shifted": "moved", "log_probs": "logp", "rows": "index", "diff": "delta", "magnitude": "size_of",
           "x_flat": "flat", "dout": "upstream", "out": "result", "n": "count", "e": "ex", "s": "sig"}


def read(base: str, rel: str) -> str:
    return (REPO / base / rel).read_text()


def honest(text: str) -> str:
    """Returns the skeleton ``text`` with each stub replaced by the HONEST body of its function."""
    return re.sub(r'    raise NotImplementedError\("(\w+) in [^"]*"\)',
                  lambda m: textwrap.indent(textwrap.dedent(HONEST[m[1]]).strip(), "    "), text)


def disguised(text: str) -> str:
    """Returns ``text`` with its local names renamed and its functions and classes in the reverse order."""
    for old, new in RENAMES.items():
        text = re.sub(rf"\b{old}\b", new, text)
    head, *blocks = re.split(r"\n\n\n(?=def |class )", text)
    return "\n\n\n".join([head, *reversed(blocks)])


def tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def solutions(*rels: str) -> dict[str, str]:
    return {rel: read("solutions", rel) for rel in rels or FILES}


def skeleton() -> dict[str, str]:
    return {rel: read("student", rel) for rel in FILES}


def class_of(root: Path) -> list[tuple[str, Path]]:
    """Returns a class: two copies of the solutions (one with a hostile line), the skeleton alone, a disguised copy,
    an honest losses.py over the skeleton, and a student who copied linear.py and wrote nothing else."""
    own_losses = {**skeleton(), "layers/losses.py": honest(read("student", "layers/losses.py"))}
    attacked = {**solutions(), "layers/linear.py": read("solutions", "layers/linear.py") + f"\nNOTE = {ATTACK!r}\n"}
    return [("alice", tree(root / "alice", attacked)), ("bob", tree(root / "bob", attacked)),
            ("carol", tree(root / "carol", skeleton())),
            ("dave", tree(root / "dave", {rel: disguised(text) for rel, text in solutions().items()})),
            ("erin", tree(root / "erin", own_losses)),
            ("frank", tree(root / "frank", solutions("layers/linear.py")))]


@pytest.fixture(scope="module")
def pairs(tmp_path_factory):
    return screen(class_of(tmp_path_factory.mktemp("class")), SKELETON)


def pair(pairs, a: str, b: str):
    found = [p for p in pairs if (p.a, p.b) == (a, b)]
    assert len(found) == 1, f"no single pair {a}-{b} in {[(p.a, p.b) for p in pairs]}"
    return found[0]


def make_zip(path: Path, files: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        for rel, text in files.items():
            z.writestr(f"student/{rel}", text)
    return path


def test_two_copies_of_the_solutions_are_the_top_pair_with_similarity_one(pairs):
    top = pairs[0]
    assert (top.a, top.b) == ("alice", "bob")
    assert top.similarity == pytest.approx(1.0)
    assert dict(top.files) == pytest.approx({rel: 1.0 for rel in FILES})


def test_pairs_are_sorted_most_similar_first_and_ties_by_ids(pairs):
    assert [p.similarity for p in pairs] == sorted((p.similarity for p in pairs), reverse=True)
    assert [(p.a, p.b) for p in pairs[:3]] == [("alice", "bob"), ("alice", "frank"), ("bob", "frank")]
    for p in pairs:
        assert 0 < p.similarity <= 1
        assert [s for _, s in p.files] == sorted((s for _, s in p.files), reverse=True)


def test_a_student_who_submitted_only_the_skeleton_shares_nothing_with_anyone(pairs):
    assert not [p for p in pairs if "carol" in (p.a, p.b)]


def test_renamed_variables_and_reordered_functions_still_score_high(pairs):
    assert pair(pairs, "alice", "dave").similarity > 0.85
    assert {rel for rel, _ in pair(pairs, "alice", "dave").files} == set(FILES)


def test_an_honest_implementation_scores_clearly_below_the_copies(pairs):
    honest_pair = pair(pairs, "alice", "erin")
    assert [rel for rel, _ in honest_pair.files] == ["layers/losses.py"]
    assert honest_pair.similarity < 0.5
    assert honest_pair.similarity < pair(pairs, "alice", "dave").similarity - 0.4


def test_a_pair_is_as_similar_as_its_more_copied_side(pairs):
    """frank copied linear.py and nothing else: all of frank is in alice, a small part of alice in frank."""
    copied = pair(pairs, "alice", "frank")
    assert copied.similarity == pytest.approx(1.0)
    assert copied.files == (("layers/linear.py", pytest.approx(1.0)),)


def test_pairs_of_equal_similarity_are_ordered_by_their_first_then_second_id_whatever_the_input_order(tmp_path):
    linear, losses = solutions("layers/linear.py"), {"layers/losses.py": honest(read("student", "layers/losses.py"))}
    students = [(name, tree(tmp_path / name, files))
                for name, files in (("zed", linear), ("carl", losses), ("bob", losses), ("alice", linear))]
    assert [(p.a, p.b, p.similarity) for p in screen(students, SKELETON)] == [
        ("alice", "zed", pytest.approx(1.0)), ("bob", "carl", pytest.approx(1.0))]


@dataclass
class Printed:
    """What the similarity reads of a copydetect fingerprint besides compare_files: each fingerprint -> where it
    is, the k of its k-grams and the counted tokens."""

    hash_idx: dict[int, list[int]]
    token_coverage: int
    k: int = 10
    raw_code: str = ""

    @property
    def hashes(self) -> set[int]:
        return set(self.hash_idx)


def test_screening_refuses_two_students_with_the_same_id(tmp_path):
    with pytest.raises(ValueError, match="alice appear more than once"):
        screen([("alice", tmp_path), ("bob", tmp_path), ("alice", tmp_path)], SKELETON)


def test_a_side_is_its_tokens_found_anywhere_in_the_other_over_its_counted_tokens_summed_over_files():
    """a counts 100 + 100 + 200 tokens (f3 only in a), 90 and 70 found in b: 0.4; b counts 300 + 300, 90 and 80
    found in a (its g2.py holds a's f2 and a run of a's f1 too, which a counts once): 170 / 600."""
    run = {h: [10 * h] for h in range(1, 10)}  # nine runs of k = 10 tokens: 90 tokens
    left = {"f1.py": Printed(run, 100), "f2.py": Printed({h: [10 * (h - 11)] for h in range(11, 18)}, 100),
            "f3.py": Printed({100: [0]}, 200)}
    right = {"f1.py": Printed({h: [10 * (h - 1)] for h in range(1, 10)}, 300),
             "g2.py": Printed({**{h: [10 * (h - 11)] for h in range(11, 18)}, 1: [200]}, 300)}
    a, b = similarity.Code.of(left), similarity.Code.of(right)
    for found in (similarity._compare("a", "b", a, b), similarity._compare("b", "a", b, a)):
        assert found.similarity == pytest.approx(0.4)
    # a's f1 shares one run with b's g2, which a's f1 and b's f1 share already: not listed
    assert similarity._compare("a", "b", a, b).files == (("f1.py", pytest.approx(0.9)),
                                                         ("f2.py <-> g2.py", pytest.approx(0.7)))


def test_each_side_counts_its_own_copied_tokens(tmp_path):
    """greg pasted alice's linear.py twice and wrote nothing else: greg's share of copied code makes the pair."""
    linear = read("solutions", "layers/linear.py")
    twice = linear + "\n\n" + linear.split("import numpy as np\n")[1].replace("def linear_", "def again_")
    alice = tree(tmp_path / "alice", solutions("layers/linear.py", "layers/losses.py"))
    greg = tree(tmp_path / "greg", {"layers/linear.py": twice})
    (found,) = screen([("alice", alice), ("greg", greg)], SKELETON)
    boilerplate = similarity._boilerplate(SKELETON)
    _, (share_alice, share_greg), _ = compare_files(*(similarity._fingerprint(root / "layers/linear.py", boilerplate)
                                                      for root in (alice, greg)))
    assert share_alice == pytest.approx(1.0) and 0.5 < share_greg < 0.95
    assert found.similarity == pytest.approx(share_greg)
    assert found.files == (("layers/linear.py", pytest.approx(1.0)),)


def test_the_top_pairs_carry_their_copied_code_and_the_others_none(pairs):
    top = pairs[0]
    assert [c.path for c in top.copied] == [rel for rel, _ in top.files]
    linear = next(c for c in top.copied if c.path == "layers/linear.py")
    code, regions = linear.code[0], linear.regions[0]
    start = code.index("x.reshape(x.shape[0], -1) @ w + b")
    assert any(s <= start < e for s, e in regions)
    assert not pair(pairs, "alice", "erin").copied


def test_only_the_first_pairs_above_the_threshold_carry_code_and_are_shown_side_by_side(tmp_path):
    students = [(f"s{i}", tree(tmp_path / f"s{i}", solutions("layers/linear.py"))) for i in range(7)]
    found = screen(students, SKELETON)
    assert len(found) == 21 and all(p.similarity == pytest.approx(1.0) for p in found)
    assert [bool(p.copied) for p in found] == [True] * similarity.MAX_SHOWN + [False]
    write(tmp_path / "out", found, 0.5)
    page = (tmp_path / "out" / HTML).read_text()
    assert page.count("<section") == similarity.MAX_SHOWN and page.count("<tr><td>") == 21


def test_each_file_is_fingerprinted_once(tmp_path, monkeypatch):
    made = []
    real = similarity.CodeFingerprint

    def counting(*args, **kwargs):
        made.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(similarity, "CodeFingerprint", counting)
    students = [(name, tree(tmp_path / name, solutions())) for name in ("a", "b", "c", "d")]
    screen(students, SKELETON)
    skeleton_files = [p for p in SKELETON.rglob("*.py") if "__pycache__" not in p.parts]
    assert len(made) == len(skeleton_files) + 4 * len(FILES)


def test_the_csv_and_the_page_list_the_pairs_above_the_threshold(pairs, tmp_path):
    write(tmp_path, pairs, 0.5, submissions=6)
    rows = list(csv.DictReader((tmp_path / CSV).open()))
    assert [(r["a"], r["b"]) for r in rows] == [(p.a, p.b) for p in pairs if p.similarity >= 0.5]
    assert ("alice", "erin") not in [(r["a"], r["b"]) for r in rows]
    assert rows[0]["similarity"] == "1.0000"
    assert rows[0]["files"] == "; ".join(f"{rel} 1.00" for rel, _ in pairs[0].files)
    page = (tmp_path / HTML).read_text()
    assert "<td>alice</td><td>bob</td><td>1.0000</td>" in page and '<a href="#alice~bob">' in page
    assert '<section id="alice~bob">' in page
    assert "erin" not in page.split("<table>")[1]
    assert "<mark>" in page and "6 submissions" in page and "boilerplate" in page and "not a verdict" in page
    write(tmp_path, pairs, 1.0)
    exact = [(r["a"], r["b"]) for r in csv.DictReader((tmp_path / CSV).open())]
    assert exact == [(p.a, p.b) for p in pairs if p.similarity >= 1.0]
    assert exact[:3] == [("alice", "bob"), ("alice", "frank"), ("bob", "frank")] and ("alice", "dave") not in exact


def test_the_page_escapes_student_code_and_loads_nothing_from_outside(pairs, tmp_path):
    write(tmp_path, pairs, 0.5)
    page = (tmp_path / HTML).read_text()
    assert "NOTE = " in page
    assert ATTACK not in page and "<script" not in page
    assert "&lt;/pre&gt;&lt;script&gt;" in page
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page, re.IGNORECASE)


def test_the_page_marks_each_character_once_even_where_copied_regions_overlap(tmp_path):
    code = "<b>copied</b> own"
    copied = Copied("layers/x.py", (code, code), (((0, 8), (5, 13)), ((3, 9),)))
    write(tmp_path, [Pair("a", "b", 0.9, (("layers/x.py", 0.9),), (copied,))], 0.5, files=["layers/<x>.py"])
    page = (tmp_path / HTML).read_text()
    assert "<pre><mark>&lt;b&gt;copie</mark><mark>d&lt;/b&gt;</mark> own</pre>" in page
    assert "<pre>&lt;b&gt;<mark>copied</mark>&lt;/b&gt; own</pre>" in page
    assert "layers/&lt;x&gt;.py" in page and "<x>" not in page


def test_the_page_says_so_when_no_pair_is_above_the_threshold(pairs, tmp_path):
    write(tmp_path, [p for p in pairs if p.similarity < 0.5], 0.5)
    assert "No pair is at or above the threshold of 0.50" in (tmp_path / HTML).read_text()
    assert (tmp_path / CSV).read_text().splitlines() == ["a,b,similarity,identical files,files"]


def test_the_command_screens_a_folder_of_zips(tmp_path, capsys):
    folder = tmp_path / "class"
    folder.mkdir()
    make_zip(folder / "alice.zip", solutions())
    make_zip(folder / "bob.zip", solutions())
    make_zip(folder / "carol.zip", skeleton())
    out = tmp_path / "out"
    assert cli.main(["similarity", str(folder), "--out", str(out)]) == 0
    rows = list(csv.DictReader((out / CSV).open()))
    assert [(r["a"], r["b"], r["similarity"]) for r in rows] == [("alice", "bob", "1.0000")]
    assert "<td>alice</td><td>bob</td>" in (out / HTML).read_text()
    printed = capsys.readouterr().out
    assert "3 submissions compared; pairs sharing code beyond the skeleton: 1, at or above 0.50: 1" in printed
    assert "1.0000  alice  bob" in printed
    assert str(out / CSV) in printed and str(out / HTML) in printed


def test_the_command_skips_a_submission_it_cannot_extract_and_says_why(tmp_path, capsys):
    folder = tmp_path / "class"
    folder.mkdir()
    make_zip(folder / "alice.zip", solutions("layers/linear.py"))
    make_zip(folder / "bob.zip", solutions("layers/linear.py"))
    (folder / "broken.zip").write_bytes(b"not a zip at all")
    assert cli.main(["similarity", str(folder), "--out", str(tmp_path / "out")]) == 0
    printed = capsys.readouterr().out
    assert re.search(r"skipped broken \(broken\.zip\): .*zip", printed)
    assert "2 submissions compared" in printed
    assert (tmp_path / "out" / CSV).read_text().splitlines()[1].startswith("alice,bob,1.0000,")


def test_an_assignment_compares_only_its_student_files(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    both = {"layers/conv.py": read("solutions", "layers/conv.py"),
            "layers/linear.py": read("student", "layers/linear.py")}
    make_zip(folder / "alice.zip", both)
    make_zip(folder / "bob.zip", both)
    whole = screen_students(find_students(folder), SKELETON, 0.5, None, tmp_path / "work")
    assert [(p.a, p.b, p.files) for p in whole] == [("alice", "bob", (("layers/conv.py", pytest.approx(1.0)),))]
    assert screen_students(find_students(folder), SKELETON, 0.5, ["layers/linear.py"], tmp_path) == []
    out = tmp_path / "out"
    assert cli.main(["similarity", str(folder), "--out", str(out), "--assignment", "numpy-foundations"]) == 0
    assert "No pair is at or above" in (out / HTML).read_text()


def test_the_command_refuses_a_threshold_outside_zero_to_one(tmp_path):
    assert cli.main(["similarity", str(tmp_path), "--out", str(tmp_path / "out"), "--threshold", "1.5"]) == 2
    assert not (tmp_path / "out").exists()


def test_exact_copies_outrank_a_copy_whose_one_call_differs_though_the_tokens_agree(tmp_path):
    solution = {rel: read("solutions", rel) for rel in FILES}
    changed = dict(solution)
    assert "np.sum(dout, axis=0)" in changed["layers/linear.py"]
    changed["layers/linear.py"] = changed["layers/linear.py"].replace("np.sum(dout, axis=0)", "np.mean(dout, axis=0)")
    students = [(name, tree(tmp_path / name, files))
                for name, files in (("a_near", changed), ("b_copy", solution), ("c_copy", solution))]
    pairs = screen(students, SKELETON)
    assert pairs[0].similarity == pytest.approx(1.0) and pairs[1].similarity == pytest.approx(1.0)
    assert (pairs[0].a, pairs[0].b) == ("b_copy", "c_copy")
    assert pairs[0].identical == len(FILES) and pairs[1].identical == len(FILES) - 1


def moved_to_helpers(conv: str) -> dict[str, str]:
    """Returns a conv.py whose functions call a helper module holding ``conv``'s code under other names."""
    helpers = conv.split('"""', 2)[2].replace("def conv2d_", "def _impl_")
    calls = re.sub(r'raise NotImplementedError\("conv2d_(\w+) in [^"]*"\)',
                   lambda m: f"return my_helpers._impl_{m[1]}(**locals())", read("student", "layers/conv.py"))
    return {"layers/conv.py": calls.replace("import numpy as np\n", "import numpy as np\n\nfrom layers import "
                                            "my_helpers\n", 1), "layers/my_helpers.py": helpers}


def test_code_moved_into_a_helper_module_or_another_file_is_still_found(tmp_path):
    """bob holds alice's conv in a helper module of his own; erin moved dave's linear functions into
    activations.py; carol wrote her own losses: only the two copies are listed, whatever the files are called."""
    linear, activations = read("solutions", "layers/linear.py"), read("solutions", "layers/activations.py")
    folder = tmp_path / "class"
    folder.mkdir()
    make_zip(folder / "alice.zip", solutions("layers/conv.py"))
    make_zip(folder / "bob.zip", moved_to_helpers(read("solutions", "layers/conv.py")))
    make_zip(folder / "carol.zip", {"layers/losses.py": honest(read("student", "layers/losses.py"))})
    make_zip(folder / "dave.zip", solutions("layers/linear.py", "layers/activations.py"))
    make_zip(folder / "erin.zip", {"layers/linear.py": read("student", "layers/linear.py"),
                                   "layers/activations.py": activations + linear.split("import numpy as np\n", 1)[1]})
    for only in (None, ["layers/conv.py", "layers/linear.py", "layers/activations.py", "layers/losses.py"]):
        found = screen_students(find_students(folder), SKELETON, similarity.THRESHOLD, only, tmp_path / "work")
        listed = {(p.a, p.b): p for p in found if p.similarity >= similarity.THRESHOLD}
        assert sorted(listed) == [("alice", "bob"), ("dave", "erin")], [(p.a, p.b, p.similarity) for p in found]
        assert listed["alice", "bob"].similarity > 0.9 and listed["dave", "erin"].similarity > 0.9
        assert ("layers/conv.py <-> layers/my_helpers.py", pytest.approx(1.0, abs=0.1)) in listed["alice", "bob"].files
    write(tmp_path / "out", found, similarity.THRESHOLD)
    page = (tmp_path / "out" / HTML).read_text()
    assert "def _impl_backward" in page and "layers/conv.py &lt;-&gt; layers/my_helpers.py" in page
