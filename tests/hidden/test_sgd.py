"""Hidden tests of SGD: multi-step trajectories against torch.optim.SGD, skipped parameters, .grad untouched."""
import numpy as np
import pytest
import torch
from gradescope_utils.autograder_utils.decorators import weight
from hypothesis import given
from hypothesis import strategies as st

from grader.testkit import checks
from grader.testkit.probes.optim import trajectory, zero_grad
from tests.hidden.helpers import (check_float32_trajectory, check_training_loop, check_trajectory, draw_problem,
                                  torch_trajectory)
from tests.hidden.strategies import seeds

SGD = "optimizers.sgd:SGD"
def torch_sgd(params, grads, lr, momentum=0.0, weight_decay=0.0):
    return torch_trajectory(torch.optim.SGD, params, grads, lr=lr, momentum=momentum, weight_decay=weight_decay,
                            dampening=0, nesterov=False)


@weight(3)
@given(seed=seeds(), steps=st.integers(10, 14), lr=st.floats(1e-3, 0.5),
       momentum=st.one_of(st.just(0.0), st.floats(0.1, 0.99)),
       weight_decay=st.one_of(st.just(0.0), st.floats(1e-3, 0.5)),
       none_steps=st.frozensets(st.integers(1, 13), max_size=6))
def test_sgd_matches_torch_optim_sgd_step_for_step(impl, seed, steps, lr, momentum, weight_decay, none_steps):
    params, grads = draw_problem(seed, steps, none_steps)
    kwargs = {"lr": lr, "momentum": momentum, "weight_decay": weight_decay}
    got = impl.probe(trajectory, SGD, params, grads, kwargs)
    check_trajectory(got["params"], torch_sgd(params, grads, **kwargs), "SGD against torch.optim.SGD")


@weight(2)
def test_sgd_momentum_convention_matches_torch_from_step_two_on(impl):
    params, grads = draw_problem(1, 10)
    got = impl.probe(trajectory, SGD, params, grads, {"lr": 0.05, "momentum": 0.9})
    check_trajectory(got["params"], torch_sgd(params, grads, lr=0.05, momentum=0.9), "SGD with momentum",
                     hint="m = momentum * m + g, p -= lr * m")


@weight(2)
def test_sgd_applies_weight_decay_before_the_momentum_buffer(impl):
    params, grads = draw_problem(2, 10)
    kwargs = {"lr": 0.05, "momentum": 0.9, "weight_decay": 0.3}
    got = impl.probe(trajectory, SGD, params, grads, kwargs)
    check_trajectory(got["params"], torch_sgd(params, grads, **kwargs), "SGD with momentum and weight decay",
                     hint="g = grad + weight_decay * p goes into the momentum buffer")


@weight(2)
def test_sgd_keeps_one_momentum_buffer_per_parameter(impl):
    params, grads = draw_problem(3, 10)
    got = impl.probe(trajectory, SGD, params, grads, {"lr": 0.1, "momentum": 0.8})
    check_trajectory(got["params"], torch_sgd(params, grads, lr=0.1, momentum=0.8),
                     "SGD over parameters of equal shapes", hint="every parameter needs its own momentum buffer")


@weight(2)
def test_sgd_skips_parameters_whose_grad_is_none(impl):
    none_steps = frozenset({2, 3, 6})
    params, grads = draw_problem(4, 10, none_steps)
    kwargs = {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.1}
    got = impl.probe(trajectory, SGD, params, grads, kwargs)
    for k in sorted(none_steps):
        checks.close(got["params"][k][3], got["params"][k - 1][3], f"a parameter whose grad is None (step {k + 1})",
                     tol=1e-12, reveal=False, hint="skip a parameter whose .grad is None: do not treat it as zero")
    check_trajectory(got["params"], torch_sgd(params, grads, **kwargs), "SGD with some grads None",
                     hint="a skipped parameter keeps its momentum buffer unchanged too")


@weight(1)
@given(seed=seeds(), momentum=st.floats(0.0, 0.99), weight_decay=st.floats(0.0, 0.5))
def test_sgd_step_never_modifies_grad(impl, seed, momentum, weight_decay):
    params, grads = draw_problem(seed, 3)
    got = impl.probe(trajectory, SGD, params, grads, {"lr": 0.1, "momentum": momentum, "weight_decay": weight_decay})
    check_trajectory(got["params"], torch_sgd(params, grads, 0.1, momentum, weight_decay), "SGD")
    for k, step_grads in enumerate(grads):
        for i, g in enumerate(step_grads):
            checks.array(got["grads"][k][i], f"p.grad after step {k + 1}", shape=g.shape)
            checks.unchanged(g, got["grads"][k][i], "p.grad (step() must only read it)", tensor=True)


@weight(1)
def test_sgd_zero_grad_sets_every_grad_to_none(impl):
    params, grads = draw_problem(5, 1)
    got = impl.probe(zero_grad, SGD, params, grads[0], {"lr": 0.1, "momentum": 0.9})
    assert got["grad_is_none"] == [True] * len(params), "zero_grad() should set every parameter's grad to None"
    for p, after in zip(params, got["params"]):
        checks.unchanged(p, after, "a parameter during zero_grad()", tensor=True)


@weight(1)
def test_sgd_defaults_are_plain_sgd_without_weight_decay(impl):
    params, grads = draw_problem(6, 10)
    got = impl.probe(trajectory, SGD, params, grads, {"lr": 0.1})
    check_trajectory(got["params"], torch_sgd(params, grads, lr=0.1), "SGD(params, lr=0.1) with the defaults",
                     hint="the defaults are momentum=0.0 and weight_decay=0.0")


@weight(1)
@pytest.mark.parametrize("momentum,weight_decay", [(0.0, 0.0), (0.9, 0.1)])
def test_sgd_keeps_float32_parameters_float32(impl, momentum, weight_decay):
    params, grads = draw_problem(7, 10)
    params = [p.astype(np.float32) for p in params]
    grads = [[g.astype(np.float32) for g in step] for step in grads]
    kwargs = {"lr": 0.05, "momentum": momentum, "weight_decay": weight_decay}
    got = impl.probe(trajectory, SGD, params, grads, kwargs)
    expected = torch_sgd(params, grads, **kwargs)
    check_float32_trajectory(got["params"], expected, "state")


@weight(1)
@pytest.mark.parametrize("zero_grad", [True, False], ids=["zero_grad", "gradients_kept"])
@pytest.mark.parametrize("weight_decay", [0.0, 0.05])
def test_sgd_in_a_training_loop_matches_torch_optim_sgd(impl, zero_grad, weight_decay):
    """SGD in a training loop matches torch.optim.SGD.

    In a real loop (zero_grad, backward, step; or gradients kept and added up across steps) SGD with momentum
    follows torch.optim.SGD step for step."""
    kwargs = {"lr": 0.1, "momentum": 0.9, "weight_decay": weight_decay}
    check_training_loop(impl, SGD, torch.optim.SGD, kwargs, zero_grad,
                        "SGD in a training loop " + ("with zero_grad()" if zero_grad else "keeping the gradients"))
