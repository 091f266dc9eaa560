"""Public tests of batch normalization in layers/normalization.py: small inputs you can check by hand."""
import numpy as np
import pytest
import torch
from gradescope_utils.autograder_utils.decorators import weight

from grader.testkit import checks
from grader.testkit.probes.numpy_layers import forward, forward_backward
from grader.testkit.probes.torch_modules import backward, forward_backward as module_forward_backward
from tests.public.helpers import assert_vectorized

MOD = "layers.normalization"
EPS = 1e-5
# feature 0 has mean 2.5 and biased variance 1.25; feature 1 has mean 2 and biased variance 4
X = np.array([[1.0, 0.0], [2.0, 0.0], [3.0, 4.0], [4.0, 4.0]])
MEAN = np.array([2.5, 2.0])
VAR = np.array([1.25, 4.0])
GAMMA = np.array([1.0, 2.0])
BETA = np.array([0.0, 1.0])
RUNNING_MEAN = np.array([1.0, -1.0])
RUNNING_VAR = np.array([2.0, 0.5])
DOUT = np.array([[1.0, -1.0], [0.5, 2.0], [-2.0, 0.0], [1.0, 1.0]])


def bn_args(x=X):
    return [x, GAMMA, BETA, RUNNING_MEAN, RUNNING_VAR]


@weight(1)
def test_batchnorm_forward_normalizes_each_feature_with_batch_statistics(impl):
    """numpy batchnorm forward normalizes each feature with the batch statistics."""
    got = impl.probe(forward, MOD, "batchnorm", bn_args())
    expected = GAMMA * (X - MEAN) / np.sqrt(VAR + EPS) + BETA
    checks.close(got["out"], expected, "batchnorm_forward(x, ...) in training mode",
                 hint="use the batch mean and the biased variance (divide by N) over axis 0, and sqrt(var + eps)")


@weight(1)
def test_batchnorm_forward_updates_running_statistics_with_momentum(impl):
    """numpy batchnorm forward updates the running statistics with momentum."""
    got = impl.probe(forward, MOD, "batchnorm", bn_args(), {"momentum": 0.1})
    new_mean, new_var = got["extra"]
    checks.close(new_mean, 0.9 * RUNNING_MEAN + 0.1 * MEAN, "new_running_mean",
                 hint="new = (1 - momentum) * old + momentum * batch mean")
    checks.close(new_var, 0.9 * RUNNING_VAR + 0.1 * VAR * 4 / 3, "new_running_var",
                 hint="the running variance uses the unbiased batch variance (divide by N - 1)")


@weight(1)
def test_batchnorm_forward_momentum_defaults_to_0_1(impl):
    """numpy batchnorm forward momentum defaults to 0.1."""
    got = impl.probe(forward, MOD, "batchnorm", bn_args())
    new_mean, new_var = got["extra"]
    checks.close(new_mean, 0.9 * RUNNING_MEAN + 0.1 * MEAN, "new_running_mean with the default momentum",
                 hint="momentum defaults to 0.1: new = 0.9 * old + 0.1 * batch mean")
    checks.close(new_var, 0.9 * RUNNING_VAR + 0.1 * VAR * 4 / 3, "new_running_var with the default momentum",
                 hint="momentum defaults to 0.1: new = 0.9 * old + 0.1 * unbiased batch variance")


@weight(1)
@pytest.mark.parametrize("shape", [(1, 2), (1, 2, 1, 1)])
def test_batchnorm_forward_raises_value_error_for_one_value_per_feature_in_training(impl, shape):
    """numpy batchnorm forward raises ValueError for one value per feature in training."""
    args = [np.arange(1.0, 3.0).reshape(shape), GAMMA, BETA, RUNNING_MEAN, RUNNING_VAR]
    got = impl.raised(f"{MOD}:batchnorm_forward", *args)
    assert got == "ValueError", (
        f"batchnorm_forward on input {shape} in training mode should raise ValueError (one value per feature has "
        f"no variance), got {got or 'no exception'}")


@weight(1)
def test_batchnorm_eval_mode_accepts_a_batch_of_one(impl):
    """numpy batchnorm in eval mode accepts a batch of one."""
    x = np.array([[3.0, -2.0]])
    got = impl.probe(forward, MOD, "batchnorm", bn_args(x), {"training": False})
    expected = GAMMA * (x - RUNNING_MEAN) / np.sqrt(RUNNING_VAR + EPS) + BETA
    checks.close(got["out"], expected, "batchnorm_forward(x of shape (1, 2), ..., training=False)",
                 hint="only training mode needs more than one value per feature; eval mode uses the running "
                      "statistics")


@weight(1)
def test_batchnorm_backward_in_eval_mode_treats_running_statistics_as_constants(impl):
    """numpy batchnorm backward in eval mode treats the running statistics as constants."""
    got = impl.probe(forward_backward, MOD, "batchnorm", bn_args(), DOUT, {"training": False})
    dx, dgamma, dbeta = got["grads"]
    inv_std = 1 / np.sqrt(RUNNING_VAR + EPS)
    checks.close(dx, DOUT * GAMMA * inv_std, "dx of batchnorm_backward in eval mode",
                 hint="in eval mode out = gamma * (x - running_mean) / sqrt(running_var + eps) + beta is affine "
                      "in x: dx = dout * gamma / sqrt(running_var + eps)")
    checks.close(dgamma, np.sum(DOUT * (X - RUNNING_MEAN) * inv_std, axis=0), "dgamma in eval mode",
                 hint="dgamma = sum over the batch of dout * x_hat, x_hat normalized with the running statistics")
    checks.close(dbeta, np.sum(DOUT, axis=0), "dbeta in eval mode", hint="dbeta = sum over the batch of dout")


@weight(1)
def test_batchnorm_eval_mode_uses_and_keeps_running_statistics(impl):
    """numpy batchnorm in eval mode uses and keeps the running statistics."""
    got = impl.probe(forward, MOD, "batchnorm", bn_args(), {"training": False})
    expected = GAMMA * (X - RUNNING_MEAN) / np.sqrt(RUNNING_VAR + EPS) + BETA
    checks.close(got["out"], expected, "batchnorm_forward(x, ..., training=False)",
                 hint="in eval mode normalize with running_mean and running_var, not the batch statistics")
    checks.close(got["extra"][0], RUNNING_MEAN, "new_running_mean in eval mode", hint="eval mode changes nothing")
    checks.close(got["extra"][1], RUNNING_VAR, "new_running_var in eval mode", hint="eval mode changes nothing")


@weight(1)
def test_batchnorm_forward_puts_eps_inside_the_square_root(impl):
    """numpy batchnorm forward puts eps inside the square root."""
    x = np.array([[1.0], [1.0 + 2e-3]])  # biased variance 1e-6, below eps = 1e-2
    got = impl.probe(forward, MOD, "batchnorm", [x, np.ones(1), np.zeros(1), np.zeros(1), np.ones(1)], {"eps": 1e-2})
    checks.close(got["out"], (x - x.mean()) / np.sqrt(x.var() + 1e-2), "batchnorm_forward with eps=1e-2",
                 hint="divide by sqrt(var + eps), not sqrt(var) + eps")


@weight(1)
def test_batchnorm_forward_on_images_normalizes_each_channel_over_n_h_w(impl):
    """numpy batchnorm forward on images normalizes each channel over N, H, W."""
    x = np.arange(2 * 3 * 2 * 2, dtype=np.float64).reshape(2, 3, 2, 2) ** 1.5
    gamma, beta = np.array([1.0, 2.0, 0.5]), np.array([0.0, -1.0, 1.0])
    got = impl.probe(forward, MOD, "batchnorm", [x, gamma, beta, np.zeros(3), np.ones(3)])
    mean = x.mean(axis=(0, 2, 3), keepdims=True)
    var = x.var(axis=(0, 2, 3), keepdims=True)
    expected = gamma.reshape(1, 3, 1, 1) * (x - mean) / np.sqrt(var + EPS) + beta.reshape(1, 3, 1, 1)
    checks.close(got["out"], expected, "batchnorm_forward on (N, C, H, W) input",
                 hint="for images the statistics of channel c are over axes 0, 2 and 3 (N, H, W)")


@weight(1)
def test_batchnorm_backward_gives_dgamma_and_dbeta_as_sums(impl):
    """numpy batchnorm backward gives dgamma and dbeta as sums."""
    got = impl.probe(forward_backward, MOD, "batchnorm", bn_args(), DOUT)
    xhat = (X - MEAN) / np.sqrt(VAR + EPS)
    checks.close(got["grads"][1], np.sum(DOUT * xhat, axis=0), "dgamma",
                 hint="dgamma = sum over the batch of dout * x_hat")
    checks.close(got["grads"][2], np.sum(DOUT, axis=0), "dbeta", hint="dbeta = sum over the batch of dout")


@weight(1)
@pytest.mark.parametrize("shape", [(4, 2), (2, 2, 2, 3)])
def test_batchnorm_backward_dx_matches_torch_autograd(impl, shape):
    """numpy batchnorm backward dx matches torch autograd."""
    x = np.linspace(-1.0, 2.0, np.prod(shape)).reshape(shape) ** 2
    channels = shape[1]
    gamma = np.linspace(0.5, 1.5, channels)
    args = [x, gamma, np.zeros(channels), np.zeros(channels), np.ones(channels)]
    dout = np.cos(np.arange(np.prod(shape))).reshape(shape)
    # the reference: torch.nn.functional.batch_norm in training mode (batch statistics) in float64, by autograd
    xt = torch.tensor(x, requires_grad=True)
    gamma_t, beta_t = torch.tensor(gamma), torch.zeros(channels, dtype=torch.float64)
    out = torch.nn.functional.batch_norm(xt, None, None, gamma_t, beta_t, training=True, eps=EPS)
    backward(out, dout)
    analytic = impl.probe(forward_backward, MOD, "batchnorm", args, dout)["grads"][0]
    checks.close(analytic, xt.grad.numpy(), f"dx of batchnorm_backward for input {shape} against torch autograd",
                 tol=1e-6, atol=1e-8, hint="the batch mean and variance depend on x: their gradients are part of dx")


@weight(1)
def test_batchnorm_does_not_modify_its_inputs(impl):
    """numpy batchnorm does not modify its inputs."""
    args = [a.copy() for a in bn_args()]
    got = impl.probe(forward_backward, MOD, "batchnorm", args, DOUT)
    for name, before, after in zip(["x", "gamma", "beta", "running_mean", "running_var"], bn_args(), got["args_after"]):
        checks.unchanged(before, after, f"the input {name} of batchnorm_forward")


@weight(1)
def test_batchnorm_module_has_weight_bias_and_running_buffers(impl):
    """torch BatchNorm module has weight, bias and running buffers."""
    got = impl.probe(module_forward_backward, "layers.normalization:BatchNorm", X.astype(np.float32), args=[2])
    assert sorted(got["params"]) == ["bias", "weight"], \
        f"BatchNorm's parameters are {sorted(got['params'])}; expected weight and bias (nn.Parameter)"
    assert {"running_mean", "running_var"} <= set(got["buffers"]), \
        f"BatchNorm's buffers are {sorted(got['buffers'])}; register running_mean and running_var with register_buffer"
    checks.close(got["params"]["weight"], np.ones(2), "BatchNorm.weight at construction")
    checks.close(got["params"]["bias"], np.zeros(2), "BatchNorm.bias at construction")


@weight(1)
def test_batchnorm_module_normalizes_in_training_and_updates_running_statistics(impl):
    """torch BatchNorm module normalizes in training and updates the running statistics."""
    got = impl.probe(module_forward_backward, "layers.normalization:BatchNorm", X.astype(np.float32), args=[2])
    checks.allclose(got["out"], (X - MEAN) / np.sqrt(VAR + EPS), "BatchNorm(2)(x) in training mode")
    checks.allclose(got["buffers"]["running_mean"], 0.1 * MEAN, "running_mean after one training step",
                    hint="running_mean starts at 0 and becomes (1 - momentum) * old + momentum * batch mean")
    checks.allclose(got["buffers"]["running_var"], 0.9 + 0.1 * VAR * 4 / 3, "running_var after one training step",
                    hint="running_var starts at 1 and moves towards the unbiased batch variance")


@weight(1)
def test_batchnorm_module_in_eval_mode_uses_running_statistics(impl):
    """torch BatchNorm module in eval mode uses the running statistics."""
    state = {"running_mean": RUNNING_MEAN, "running_var": RUNNING_VAR}
    got = impl.probe(module_forward_backward, "layers.normalization:BatchNorm", X.astype(np.float32), args=[2],
                     state=state, train=False)
    checks.allclose(got["out"], (X - RUNNING_MEAN) / np.sqrt(RUNNING_VAR + EPS), "BatchNorm(2)(x) in eval mode",
                    hint="in eval mode (module.training is False) normalize with the running statistics")
    checks.allclose(got["buffers"]["running_mean"], RUNNING_MEAN, "running_mean after an eval pass",
                    hint="eval mode must not update the running statistics")


@weight(1)
def test_batchnorm_runs_no_python_loop_over_the_batch_or_output_positions(impl):
    """numpy batchnorm runs no Python loop over the batch or output positions."""
    def make(n, size):
        x, c = np.arange(n * 3 * size * size, dtype=np.float64).reshape(n, 3, size, size), np.ones(3)
        return [x, c, 0 * c, 0 * c, c], np.ones_like(x), {"training": True}

    assert_vectorized(impl, MOD, "batchnorm", make)
