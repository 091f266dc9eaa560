"""Hidden tests of ema_update and Adam: trajectories against torch.optim.Adam, skipped parameters, step counts."""
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
from tests.hidden.strategies import float_arrays, seeds

MOD = "optimizers.adam"
ADAM = "optimizers.adam:Adam"


def torch_adam(params, grads, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
    return torch_trajectory(torch.optim.Adam, params, grads, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)


@weight(2)
@given(x=float_arrays(max_dims=2), old=st.floats(-10, 10), beta=st.floats(0.0, 0.999), t=st.integers(1, 60))
def test_ema_update_matches_its_definition(impl, x, old, beta, t):
    old_array = np.full_like(x, old)
    got = impl.call_keeping_inputs(f"{MOD}:ema_update", x, beta, t, old_array)
    ema, ema_star = got["out"]
    checks.unchanged(x, got["args_after"][0], "the input x_t of ema_update")
    checks.unchanged(old_array, got["args_after"][3], "the input ema_star_old of ema_update")
    expected_star = beta * old + (1 - beta) * x
    checks.close(ema_star, expected_star, "ema_star_t returned by ema_update", reveal=False)
    checks.close(ema, expected_star / (1 - beta ** t), "the bias-corrected ema returned by ema_update", reveal=False,
                 hint="ema = ema_star_t / (1 - beta**t)")


@weight(1)
@given(t=st.integers(-5, 0))
def test_ema_update_raises_value_error_for_t_below_one(impl, t):
    assert impl.raised(f"{MOD}:ema_update", 1.0, 0.9, t, 0.0) == "ValueError", \
        "ema_update should raise ValueError when t < 1"


@weight(3)
@given(seed=seeds(), steps=st.integers(10, 14), lr=st.floats(1e-4, 0.1), beta1=st.floats(0.0, 0.99),
       beta2=st.floats(0.5, 0.9999), eps=st.sampled_from([1e-8, 1e-6, 1e-3, 1e-1]),
       weight_decay=st.one_of(st.just(0.0), st.floats(1e-3, 0.5)), scale=st.sampled_from([1e-2, 1.0]),
       none_steps=st.frozensets(st.integers(1, 13), max_size=6))
def test_adam_matches_torch_optim_adam_step_for_step(impl, seed, steps, lr, beta1, beta2, eps, weight_decay,
                                                     scale, none_steps):
    params, grads = draw_problem(seed, steps, none_steps)
    grads = [[None if g is None else scale * g for g in step] for step in grads]
    kwargs = {"lr": lr, "betas": (beta1, beta2), "eps": eps, "weight_decay": weight_decay}
    got = impl.probe(trajectory, ADAM, params, grads, kwargs)
    check_trajectory(got["params"], torch_adam(params, grads, **kwargs), "Adam against torch.optim.Adam")


@weight(2)
def test_adam_corrects_the_bias_of_both_moments(impl):
    params, grads = draw_problem(11, 10)
    kwargs = {"lr": 0.01, "betas": (0.8, 0.99)}
    got = impl.probe(trajectory, ADAM, params, grads, kwargs)
    check_trajectory(got["params"], torch_adam(params, grads, **kwargs), "Adam with betas (0.8, 0.99)",
                     hint="m_hat = m / (1 - beta1**t), v_hat = v / (1 - beta2**t), with t = 1 at the first step")


@weight(2)
def test_adam_adds_eps_outside_the_square_root(impl):
    params, grads = draw_problem(12, 10)
    grads = [[0.01 * g for g in step] for step in grads]
    kwargs = {"lr": 0.01, "eps": 1e-3}
    got = impl.probe(trajectory, ADAM, params, grads, kwargs)
    check_trajectory(got["params"], torch_adam(params, grads, **kwargs), "Adam with eps = 1e-3 and small gradients",
                     hint="p -= lr * m_hat / (sqrt(v_hat) + eps)")


@weight(2)
def test_adam_weight_decay_is_l2_coupled_to_the_gradient(impl):
    params, grads = draw_problem(13, 10)
    kwargs = {"lr": 0.01, "weight_decay": 0.3}
    got = impl.probe(trajectory, ADAM, params, grads, kwargs)
    check_trajectory(got["params"], torch_adam(params, grads, **kwargs), "Adam with weight decay",
                     hint="g = grad + weight_decay * p enters both moments (decoupled decay is AdamW, not Adam)")


@weight(2)
def test_adam_keeps_separate_state_per_parameter(impl):
    params, grads = draw_problem(14, 10)
    got = impl.probe(trajectory, ADAM, params, grads, {"lr": 0.05})
    check_trajectory(got["params"], torch_adam(params, grads, lr=0.05), "Adam over parameters of equal shapes",
                     hint="every parameter needs its own m and v")


@weight(2)
def test_adam_skips_none_grads_without_advancing_their_step_count(impl):
    none_steps = frozenset({1, 2, 3, 4, 7})
    params, grads = draw_problem(15, 12, none_steps)
    kwargs = {"lr": 0.05, "betas": (0.5, 0.6)}
    got = impl.probe(trajectory, ADAM, params, grads, kwargs)
    for k in sorted(none_steps):
        checks.close(got["params"][k][3], got["params"][k - 1][3], f"a parameter whose grad is None (step {k + 1})",
                     tol=1e-12, reveal=False, hint="skip a parameter whose .grad is None: do not treat it as zero")
    check_trajectory(got["params"], torch_adam(params, grads, **kwargs), "Adam with some grads None",
                     hint="each parameter counts its own steps: a skipped step does not advance t")


@weight(1)
@given(seed=seeds(), weight_decay=st.floats(0.0, 0.5))
def test_adam_step_never_modifies_grad(impl, seed, weight_decay):
    params, grads = draw_problem(seed, 3)
    kwargs = {"lr": 0.01, "weight_decay": weight_decay}
    got = impl.probe(trajectory, ADAM, params, grads, kwargs)
    check_trajectory(got["params"], torch_adam(params, grads, **kwargs), "Adam")
    for k, step_grads in enumerate(grads):
        for i, g in enumerate(step_grads):
            checks.array(got["grads"][k][i], f"p.grad after step {k + 1}", shape=g.shape)
            checks.unchanged(g, got["grads"][k][i], "p.grad (step() must only read it)", tensor=True)


@weight(1)
def test_adam_zero_grad_sets_every_grad_to_none(impl):
    params, grads = draw_problem(16, 1)
    got = impl.probe(zero_grad, ADAM, params, grads[0], {"lr": 0.1})
    assert got["grad_is_none"] == [True] * len(params), "zero_grad() should set every parameter's grad to None"
    for p, after in zip(params, got["params"]):
        checks.unchanged(p, after, "a parameter during zero_grad()", tensor=True)


@weight(1)
def test_adam_defaults_match_torch_optim_adam_defaults(impl):
    params, grads = draw_problem(17, 10)
    got = impl.probe(trajectory, ADAM, params, grads)
    check_trajectory(got["params"], torch_adam(params, grads), "Adam(params) with the defaults",
                     hint="the defaults are lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0")


@weight(1)
@pytest.mark.parametrize("weight_decay", [0.0, 0.1])
def test_adam_keeps_float32_parameters_float32(impl, weight_decay):
    params, grads = draw_problem(18, 10)
    params = [p.astype(np.float32) for p in params]
    grads = [[g.astype(np.float32) for g in step] for step in grads]
    kwargs = {"lr": 0.01, "weight_decay": weight_decay}
    got = impl.probe(trajectory, ADAM, params, grads, kwargs)
    expected = torch_adam(params, grads, **kwargs)
    check_float32_trajectory(got["params"], expected, "moments")


@weight(1)
@pytest.mark.parametrize("zero_grad", [True, False], ids=["zero_grad", "gradients_kept"])
@pytest.mark.parametrize("weight_decay", [0.0, 0.05])
def test_adam_in_a_training_loop_matches_torch_optim_adam(impl, zero_grad, weight_decay):
    """Adam in a training loop matches torch.optim.Adam.

    In a real loop (zero_grad, backward, step; or gradients kept and added up across steps) Adam follows
    torch.optim.Adam step for step."""
    kwargs = {"lr": 0.05, "betas": (0.8, 0.9), "weight_decay": weight_decay}
    check_training_loop(impl, ADAM, torch.optim.Adam, kwargs, zero_grad,
                        "Adam in a training loop " + ("with zero_grad()" if zero_grad else "keeping the gradients"))
