"""Promises of the probes' helpers that the suites rely on."""
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import torch

from grader.contract import REPO
from grader.testkit.probes.torch_modules import backward


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_backward_gives_the_gradients_of_backward_with_a_gradient_bit_for_bit(dtype):
    rng = np.random.default_rng(0)
    x, dout = rng.standard_normal((5, 4)), rng.standard_normal((5, 3))
    grads = []
    for run in ("theirs", "ours"):
        torch.manual_seed(0)
        layer = torch.nn.Linear(4, 3, dtype=dtype)
        xt = torch.tensor(x, dtype=dtype, requires_grad=True)
        out = torch.tanh(layer(xt)) * 3.0
        if run == "theirs":
            out.backward(torch.tensor(dout, dtype=dtype))
        else:
            backward(out, dout)
        grads.append([xt.grad, layer.weight.grad, layer.bias.grad])
    for theirs, ours in zip(*grads):
        assert ours.dtype == dtype and torch.equal(theirs, ours)


def test_backward_refuses_a_gradient_of_another_shape_even_a_broadcastable_one():
    out = torch.ones(5, 1, requires_grad=True) * 2.0
    with pytest.raises(RuntimeError, match=r"Mismatch in shape: the output has a shape of \(5, 1\)"):
        backward(out, np.ones((5, 3)))


def test_backward_imports_no_sympy_where_backward_with_a_gradient_does():
    code = textwrap.dedent("""
        import sys
        import torch
        from grader.testkit.probes.torch_modules import backward
        x = torch.ones(3, requires_grad=True)
        backward(x * 2.0, [1.0, 2.0, 3.0])
        print("sympy" in sys.modules, x.grad.tolist())
        (x * 2.0).backward(torch.ones(3))
        print("sympy" in sys.modules)
    """)
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.stdout.split("\n")[:2] == ["False [2.0, 4.0, 6.0]", "True"], proc.stderr[-2000:]
