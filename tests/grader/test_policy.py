"""The forbidden-API policy finds every way of reaching a forbidden name, and nothing else."""
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from grader.submission.policy import PolicyError, check_source, check_tree, load_policy

REPO = Path(__file__).resolve().parents[2]
POLICY = load_policy()


def names(source: str, rel: str = "optimizers/adam.py") -> list[tuple[int, str]]:
    return [(v.line, v.name) for v in check_source(textwrap.dedent(source), rel, POLICY)]


def test_direct_use_of_torch_optim_is_reported_with_line_and_name():
    found = names("""\
        import torch

        def make(params):
            return torch.optim.Adam(params)
        """)
    assert found == [(4, "torch.optim.Adam")]


def test_module_alias_is_resolved():
    found = names("""\
        import torch.nn.functional as F

        def f(x):
            return F.relu(x)
        """, "layers/activations.py")
    assert (1, "torch.nn.functional") in found
    assert (4, "torch.nn.functional.relu") in found


def test_from_import_of_a_forbidden_module_is_reported():
    found = names("""\
        from torch import optim

        opt = optim.SGD
        """)
    assert (1, "torch.optim") in found
    assert (3, "torch.optim.SGD") in found


def test_from_import_of_a_forbidden_name_is_reported_at_import_and_use():
    found = names("""\
        from torch.optim import Adam as A

        def make(p):
            return A(p)
        """)
    assert found == [(1, "torch.optim"), (1, "torch.optim.Adam"), (4, "torch.optim.Adam")]


def test_nn_alias_reaches_forbidden_modules():
    found = names("""\
        from torch import nn
        act = nn.ReLU()
        ok = nn.Linear(3, 4)
        """, "models/mlp.py")
    assert found == [(2, "torch.nn.ReLU")]


def test_getattr_and_import_module_with_constant_names_are_resolved():
    found = names("""\
        import importlib
        import torch
        sig = getattr(torch, "sigmoid")
        optim = importlib.import_module("torch.optim")
        """, "layers/activations.py")
    assert (3, "torch.sigmoid") in found
    assert (4, "torch.optim") in found


def test_tensor_methods_are_reported_but_not_numpy_functions_or_own_attributes():
    found = names("""\
        import numpy as np

        class Act:
            def forward(self, x):
                a = np.tanh(x.numpy())
                b = self.relu(x)
                return x.sigmoid() + a + b
        """, "layers/activations.py")
    assert found == [(7, ".sigmoid()")]


def test_numpy_only_files_may_not_use_torch_at_all():
    found = names("""\
        import torch
        def conv2d_forward(x, w, b, stride=1, pad=0):
            return torch.conv2d(x, w), None
        """, "layers/conv.py")
    assert (1, "torch") in found and (3, "torch.conv2d") in found
    assert names("import torch\n", "layers/normalization.py") == []


def test_permitted_torch_use_is_not_reported():
    assert names("""\
        import torch
        from torch import nn

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(3, 4)
                self.conv = nn.Conv2d(1, 2, 3)

            def forward(self, x):
                z = torch.exp(-x.abs())
                return torch.where(x > 0, x, z).sum(dim=1).max()
        """, "models/cnn.py") == []


@pytest.mark.parametrize("impl", ["solutions", "student"])
def test_reference_trees_pass_the_policy(impl):
    violations, unparsable = check_tree(REPO / impl)
    assert violations == [] and unparsable == []


def test_command_reports_file_line_and_name_and_exits_nonzero(tmp_path):
    (tmp_path / "layers").mkdir()
    (tmp_path / "optimizers").mkdir()
    (tmp_path / "optimizers" / "adam.py").write_text("import torch\n\nclass Adam(torch.optim.Adam):\n    pass\n")
    proc = subprocess.run([sys.executable, "-m", "grader", "policy", str(tmp_path)], cwd=REPO,
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert "optimizers/adam.py:3: torch.optim.Adam is not allowed here" in proc.stdout


def test_malformed_policy_names_the_problem(tmp_path):
    bad = tmp_path / "policy.yaml"
    bad.write_text("files: {}\nforbid: {}\n")
    with pytest.raises(PolicyError, match="unknown key.*forbid.*valid keys"):
        load_policy(bad)
