"""Mechanical mutants: the operators, where they apply, stable keys, the reviewed list of equivalents, the runner."""
import ast
import textwrap

import pytest

from grader.authoring import mechanical, mutants
from grader.contract import SOLUTIONS

SOURCE = textwrap.dedent('''\
    import numpy as np

    LIMIT = 3 + 4


    def given(x):
        return x * 2


    def softmax(z, flag=True):
        """Docstring."""
        # BEGIN SOLUTION
        e = np.exp(z - np.max(z, axis=-1, keepdims=True))
        if flag and z.ndim >= 2:
            e[0] += 1.0
        out = e[1:] / np.sum(e, axis=-1, keepdims=True)
        np.copyto(out, out)
        if z.size == 0:
            raise ValueError(f"empty input of size {z.size + 1}")
        return -out
        # END SOLUTION
    ''')


@pytest.fixture(scope="module")
def sites():
    return mechanical.sites("layers/demo.py", SOURCE)


def test_every_operator_applies_inside_the_solution_block_only(sites):
    assert {s.operator for s in sites} == {"arithmetic", "comparison", "constant", "axis", "reduction", "slice",
                                           "statement"}
    assert all(13 <= s.line <= 21 for s in sites), sorted({s.line for s in sites})
    assert all("LIMIT" not in s.key and "given" not in s.key for s in sites)


def test_each_mutant_compiles_changes_one_line_and_has_a_unique_readable_key(sites):
    keys = [s.key for s in sites]
    assert len(set(keys)) == len(keys)
    for site in sites:
        ast.parse(site.text)
        changed = [i for i, (a, b) in enumerate(zip(SOURCE.splitlines(), site.text.splitlines())) if a != b]
        assert site.text != SOURCE and changed and changed[0] + 1 == site.line
        assert site.key.startswith("layers/demo.py::softmax: ") and " => " in site.key


def test_the_operators_make_the_expected_changes(sites):
    after = {s.key.split(" => ", 1)[1] for s in sites}
    for expected in ["e = np.exp(z + np.max(z, axis=-1, keepdims=True))",        # arithmetic
                     "if (flag or z.ndim >= 2):",                                 # and/or
                     "if flag and (z.ndim > 2):",                                 # comparison
                     "if flag and z.ndim >= 3:",                                  # constant
                     "e = np.exp(z - np.max(z, axis=-1, keepdims=False))",        # constant
                     "e = np.exp(z - (np.max(z, keepdims=True)))",                # axis dropped
                     "e = np.exp(z - (np.min(z, axis=-1, keepdims=True)))",       # reduction
                     "out = e[:] / np.sum(e, axis=-1, keepdims=True)",           # slice
                     "e[0] -= 1.0",                                               # augmented assignment
                     "pass",                                                      # statement removed
                     "return out"]:                                               # unary minus removed
        assert expected in after, expected


def test_the_text_of_a_message_is_never_mutated(sites):
    assert not [s for s in sites if "empty input" in s.key and "raise" not in s.key.split(" => ", 1)[1]]
    assert all("z.size + 1" in s.text for s in sites if s.line != 19)


def test_keys_survive_edits_elsewhere_in_the_file(sites):
    moved = mechanical.sites("layers/demo.py", "# a new comment\n\n" + SOURCE.replace("x * 2", "x * 3"))
    assert [s.key for s in moved] == [s.key for s in sites]


def test_the_equivalent_list_needs_a_reason_for_each_key(tmp_path):
    path = tmp_path / "equivalent.txt"
    path.write_text("# comment\nlayers/a.py::f: x = 1 => x = 2\n    the value is overwritten\n    before any use\n")
    assert mechanical.read_equivalent(path) == {"layers/a.py::f: x = 1 => x = 2":
                                                "the value is overwritten before any use"}
    path.write_text("layers/a.py::f: x = 1 => x = 2\n")
    with pytest.raises(ValueError, match="needs a reason"):
        mechanical.read_equivalent(path)


def test_the_reviewed_equivalents_name_mutants_that_exist():
    keys = {s.key for s in mechanical.discover()}
    assert set(mechanical.read_equivalent()) <= keys


def test_a_mechanical_mutant_of_a_solution_is_graded_and_killed_by_the_runner():
    site = next(s for s in mechanical.discover() if s.target == "layers/linear.py" and s.operator == "arithmetic")
    outcome = next(mutants.grade([mechanical.as_mutant(site)], jobs=1))
    assert outcome.verdict == "killed", outcome.detail


def test_a_correct_alternative_passes_and_a_wrong_one_is_reported(tmp_path):
    right = tmp_path / "right.py"
    right.write_text('"""softmax with the sum taken first."""\nTARGET = "layers/losses.py"\n'
                     'TESTS = ["test_losses.py"]\n\n\ndef softmax(z):\n    import numpy as np\n'
                     '    e = np.exp(z - z.max(axis=-1, keepdims=True))\n    s = e.sum(axis=-1, keepdims=True)\n'
                     '    return e * (1.0 / s)\n')
    (tmp_path / "wrong.py").write_text('"""softmax over the wrong axis."""\nTARGET = "layers/losses.py"\n'
                                       'TESTS = ["test_losses.py"]\n\n\ndef softmax(z):\n    import numpy as np\n'
                                       '    e = np.exp(z - z.max(axis=0, keepdims=True))\n'
                                       '    return e / e.sum(axis=0, keepdims=True)\n')
    found = mutants.discover(tmp_path)
    verdicts = {o.mutant.name: o.verdict for o in mutants.grade(found, jobs=2)}
    assert verdicts == {"right": "survived", "wrong": "killed"}
    assert SOLUTIONS.is_dir()
