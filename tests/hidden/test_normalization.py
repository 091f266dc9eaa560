"""Hidden tests of batch normalization: torch as oracle, numeric gradients, running statistics, float32 modules."""
import numpy as np
import pytest
import torch
from gradescope_utils.autograder_utils.decorators import weight
from hypothesis import given
from hypothesis import strategies as st

from grader.testkit import checks
from grader.testkit.probes.numpy_layers import forward, forward_backward
from grader.testkit.probes.torch_layers import state_dict_shapes, train_backward_then_eval, train_then_eval
from grader.testkit.probes.torch_modules import backward, forward_backward as module_forward_backward
from tests.hidden.helpers import check_layer_calls, numeric_layer_gradients
from tests.hidden.strategies import gaussian, seeds

MOD = "layers.normalization"
MODULE = "layers.normalization:BatchNorm"
SHAPES = [(2, 1), (5, 3), (8, 4), (1, 2, 3, 2), (3, 2, 2, 2), (4, 3, 1, 3)]
# feature 0 varies by 2**-10 around 1 (biased variance 2**-21, below eps = 1e-5); every value is exact in float32
NEARLY_CONSTANT = np.array([[1.0, 3.0], [1.0 + 2**-10, -1.0], [1.0 - 2**-10, 0.5], [1.0, 2.0]], dtype=np.float32)


def bn_inputs(seed, shape, scale=1.0, offset=0.0):
    """x, gamma, beta, running_mean, running_var for input ``shape``, drawn from ``seed``."""
    c = shape[1]
    rng = np.random.default_rng(seed)
    x = offset + scale * rng.standard_normal(shape)
    return [x, rng.standard_normal(c), rng.standard_normal(c), rng.standard_normal(c), rng.uniform(0.5, 2.0, c)]


def oracle(args, dout, training, momentum, eps):
    """out, dx, dgamma, dbeta, new running mean, new running var from torch.nn.functional.batch_norm."""
    x, gamma, beta = (torch.tensor(a, requires_grad=True) for a in args[:3])
    running_mean, running_var = torch.tensor(args[3]), torch.tensor(args[4])
    out = torch.nn.functional.batch_norm(x, running_mean, running_var, gamma, beta, training, momentum, eps)
    backward(out, dout)
    return out.detach().numpy(), x.grad.numpy(), gamma.grad.numpy(), beta.grad.numpy(), \
        running_mean.numpy(), running_var.numpy()


def nn_batchnorm(ndim, channels, momentum, eps):
    """torch's own BatchNorm1d/2d (float32) for inputs with ``ndim`` axes."""
    cls = torch.nn.BatchNorm1d if ndim == 2 else torch.nn.BatchNorm2d
    return cls(channels, momentum=momentum, eps=eps)


momenta = st.sampled_from([0.1, 0.0, 0.5, 1.0, 0.03])
epsilons = st.sampled_from([1e-5, 1e-3, 0.1, 1.0])


@weight(3)
@given(shape=st.sampled_from(SHAPES), seed=seeds(), momentum=momenta, eps=epsilons,
       scale=st.sampled_from([1.0, 0.1, 30.0]), offset=st.floats(-5.0, 5.0))
def test_batchnorm_training_matches_torch(impl, shape, seed, momentum, eps, scale, offset):
    """numpy batchnorm in training mode matches torch."""
    args = bn_inputs(seed, shape, scale, offset)
    dout = gaussian(seed + 1, *shape)
    got = impl.probe(forward_backward, MOD, "batchnorm", args, dout, {"momentum": momentum, "eps": eps})
    out, dx, dgamma, dbeta, mean, var = oracle(args, dout, True, momentum, eps)
    checks.close(got["out"], out, "batchnorm_forward in training mode", reveal=False)
    checks.close(got["extra"][0], mean, "new_running_mean in training mode", reveal=False)
    checks.close(got["extra"][1], var, "new_running_var in training mode", reveal=False,
                 hint="the running variance uses the unbiased batch variance")
    checks.close(got["grads"][0], dx, "dx of batchnorm_backward", reveal=False,
                 hint="the batch mean and variance depend on x")
    checks.close(got["grads"][1], dgamma, "dgamma of batchnorm_backward", reveal=False)
    checks.close(got["grads"][2], dbeta, "dbeta of batchnorm_backward", reveal=False)
    for name, before, after in zip(["x", "gamma", "beta", "running_mean", "running_var"], args, got["args_after"]):
        checks.unchanged(before, after, f"the input {name} of batchnorm_forward")


@weight(2)
@given(shape=st.sampled_from(SHAPES + [(1, 3), (1, 2, 1, 1)]), seed=seeds(), momentum=momenta, eps=epsilons)
def test_batchnorm_eval_matches_torch_and_keeps_running_statistics(impl, shape, seed, momentum, eps):
    """numpy batchnorm in eval mode matches torch and keeps the running statistics."""
    args = bn_inputs(seed, shape, scale=2.0, offset=1.0)
    dout = gaussian(seed + 1, *shape)
    got = impl.probe(forward_backward, MOD, "batchnorm", args, dout,
                     {"training": False, "momentum": momentum, "eps": eps})
    out, dx, dgamma, dbeta, *_ = oracle(args, dout, False, momentum, eps)
    checks.close(got["out"], out, "batchnorm_forward in eval mode", reveal=False,
                 hint="eval mode normalizes with the running statistics")
    checks.close(got["extra"][0], args[3], "new_running_mean in eval mode", reveal=False,
                 hint="eval mode returns the running statistics unchanged")
    checks.close(got["extra"][1], args[4], "new_running_var in eval mode", reveal=False,
                 hint="eval mode returns the running statistics unchanged")
    hint = "in eval mode the running statistics are constants: dx = dout * gamma / sqrt(running_var + eps)"
    checks.close(got["grads"][0], dx, "dx of batchnorm_backward in eval mode", reveal=False, hint=hint)
    checks.close(got["grads"][1], dgamma, "dgamma of batchnorm_backward in eval mode", reveal=False)
    checks.close(got["grads"][2], dbeta, "dbeta of batchnorm_backward in eval mode", reveal=False)
    for name, before, after in zip(["x", "gamma", "beta", "running_mean", "running_var"], args, got["args_after"]):
        checks.unchanged(before, after, f"the input {name} of batchnorm_forward in eval mode")


@weight(1)
@pytest.mark.parametrize("shape", [(1, 3), (1, 3, 1, 1)])
def test_batchnorm_raises_value_error_for_one_value_per_feature_in_training(impl, shape):
    """numpy batchnorm raises ValueError for one value per feature in training."""
    args = bn_inputs(5, shape)
    got = impl.raised(f"{MOD}:batchnorm_forward", *args)
    assert got == "ValueError", (
        f"batchnorm_forward on input {shape} in training mode should raise ValueError; it raised {got or 'nothing'}")


@weight(2)
@given(shape=st.sampled_from(SHAPES), seed=seeds(), momentum=momenta)
def test_batchnorm_running_statistics_follow_torch_over_several_batches(impl, shape, seed, momentum):
    """numpy batchnorm running statistics follow torch over several batches."""
    c = shape[1]
    gamma, beta = np.ones(c), np.zeros(c)
    mean, var = np.zeros(c), np.ones(c)
    expected_mean, expected_var = torch.zeros(c, dtype=torch.float64), torch.ones(c, dtype=torch.float64)
    for step in range(4):
        x = step - 1.0 + (step + 1.0) * gaussian(seed + step, *shape)
        got = impl.probe(forward, MOD, "batchnorm", [x, gamma, beta, mean, var], {"momentum": momentum})
        mean, var = got["extra"]
        torch.nn.functional.batch_norm(torch.tensor(x), expected_mean, expected_var, training=True,
                                       momentum=momentum)
        checks.close(mean, expected_mean.numpy(), f"running_mean after {step + 1} batches", reveal=False,
                     hint="new = (1 - momentum) * old + momentum * batch mean")
        checks.close(var, expected_var.numpy(), f"running_var after {step + 1} batches", reveal=False,
                     hint="new = (1 - momentum) * old + momentum * unbiased batch variance")


@weight(2)
@pytest.mark.parametrize("shape", [(4, 3), (2, 2, 2, 2)])
@given(seed=seeds(), eps=st.sampled_from([1e-5, 0.1]))
def test_batchnorm_backward_matches_numeric_gradient(impl, shape, seed, eps):
    """numpy batchnorm backward matches the numeric gradient."""
    args = bn_inputs(seed, shape, scale=1.5)
    dout = gaussian(seed + 1, *shape)
    kwargs = {"eps": eps}
    analytic = impl.probe(forward_backward, MOD, "batchnorm", args, dout, kwargs)["grads"]
    numeric = numeric_layer_gradients(impl, MOD, "batchnorm", args, dout, [0, 1, 2], kwargs)
    for name, a, n in zip(["dx", "dgamma", "dbeta"], analytic, numeric):
        checks.close(a, n, f"{name} of batchnorm_backward against a numeric gradient", tol=1e-6, atol=1e-8,
                     reveal=False)


@weight(1)
@pytest.mark.parametrize("eps", [1e-5, 0.5])
def test_batchnorm_puts_eps_inside_the_square_root_for_nearly_constant_features(impl, eps):
    """numpy batchnorm puts eps inside the square root for nearly constant features."""
    x = np.array([[1.0, 3.0], [1.0 + 1e-4, -1.0], [1.0 - 1e-4, 0.5], [1.0, 2.0]])
    args = [x, np.ones(2), np.zeros(2), np.zeros(2), np.ones(2)]
    got = impl.probe(forward, MOD, "batchnorm", args, {"eps": eps})
    out, *_ = oracle(args, np.ones_like(x), True, 0.1, eps)
    checks.close(got["out"], out, f"batchnorm_forward of a nearly constant feature, eps={eps}", reveal=False,
                 hint="divide by sqrt(var + eps), not sqrt(var) + eps")


@weight(1)
@pytest.mark.parametrize("training", [True, False], ids=["train", "eval"])
@given(shape=st.sampled_from(SHAPES), seed=seeds())
def test_batchnorm_backward_leaves_dout_unchanged(impl, training, shape, seed):
    """numpy batchnorm backward leaves dout unchanged.

    batchnorm_backward does not modify its upstream gradient dout in place, in training or eval mode."""
    dout = gaussian(seed + 1, *shape)
    got = impl.probe(forward_backward, MOD, "batchnorm", bn_inputs(seed, shape), dout.copy(),
                     {"training": training})
    mode = "training" if training else "eval"
    checks.unchanged(dout, got["dout_after"], f"the input dout of batchnorm_backward in {mode} mode")


@weight(3)
@pytest.mark.parametrize("shape", [(6, 3), (3, 2, 3, 2)])
@given(seed=seeds(), momentum=st.sampled_from([0.1, 0.3]), eps=epsilons)
def test_batchnorm_module_matches_nn_batchnorm_in_float32(impl, shape, seed, momentum, eps):
    """torch BatchNorm module matches nn.BatchNorm in float32."""
    c = shape[1]
    batches = [(1.0 + step + 2.0 * gaussian(seed + step, *shape)).astype(np.float32) for step in range(3)]
    eval_x = (3.0 * gaussian(seed + 3, *shape)).astype(np.float32)
    got = impl.probe(train_then_eval, MODULE, batches, eval_x, args=[c], kwargs={"momentum": momentum, "eps": eps})
    ref = nn_batchnorm(len(shape), c, momentum, eps)
    with torch.no_grad():
        for step, x in enumerate(batches):
            checks.allclose(got["train_outs"][step], ref(torch.tensor(x)).numpy(),
                            f"BatchNorm output on training batch {step + 1}", reveal=False)
        checks.allclose(got["buffers_after_train"]["running_mean"], ref.running_mean.numpy(),
                        "running_mean after 3 training batches", reveal=False)
        checks.allclose(got["buffers_after_train"]["running_var"], ref.running_var.numpy(),
                        "running_var after 3 training batches", reveal=False,
                        hint="running_var moves towards the unbiased batch variance")
        ref.eval()
        checks.allclose(got["eval_out"], ref(torch.tensor(eval_x)).numpy(), "BatchNorm output in eval mode",
                        reveal=False, hint="in eval mode normalize with the running statistics")
    for name in ("running_mean", "running_var"):
        checks.allclose(got["buffers_after_eval"][name], got["buffers_after_train"][name],
                        f"{name} after an eval pass", reveal=False, hint="eval mode must not change the buffers")


@weight(2)
@pytest.mark.parametrize("shape", [(5, 4), (2, 3, 2, 2)])
@given(seed=seeds())
def test_batchnorm_module_gradients_match_nn_batchnorm(impl, shape, seed):
    """torch BatchNorm module gradients match nn.BatchNorm's."""
    c = shape[1]
    x = (0.5 + gaussian(seed, *shape)).astype(np.float32)
    dout = gaussian(seed + 1, *shape).astype(np.float32)
    state = {"weight": gaussian(seed + 2, c).astype(np.float32), "bias": gaussian(seed + 3, c).astype(np.float32)}
    got = impl.probe(module_forward_backward, MODULE, x, dout, args=[c], state=state)
    ref = nn_batchnorm(len(shape), c, 0.1, 1e-5)
    with torch.no_grad():
        ref.weight.copy_(torch.tensor(state["weight"]))
        ref.bias.copy_(torch.tensor(state["bias"]))
    xt = torch.tensor(x, requires_grad=True)
    out = ref(xt)
    backward(out, dout)
    checks.allclose(got["out"], out.detach().numpy(), "BatchNorm output with loaded weight and bias", reveal=False)
    checks.allclose(got["dx"], xt.grad.numpy(), "the gradient of BatchNorm with respect to x", reveal=False,
                    hint="keep the batch statistics in the autograd graph")
    checks.allclose(got["grads"]["weight"], ref.weight.grad.numpy(), "the gradient of BatchNorm.weight", reveal=False)
    checks.allclose(got["grads"]["bias"], ref.bias.grad.numpy(), "the gradient of BatchNorm.bias", reveal=False)


@weight(1)
@pytest.mark.parametrize("eps", [1e-5, 0.5])
def test_batchnorm_module_puts_eps_inside_the_square_root(impl, eps):
    """torch BatchNorm module puts eps inside the square root."""
    x = NEARLY_CONSTANT
    got = impl.probe(module_forward_backward, MODULE, x, args=[2], kwargs={"eps": eps})
    with torch.no_grad():
        expected = nn_batchnorm(2, 2, 0.1, eps)(torch.tensor(x)).numpy()
    checks.allclose(got["out"], expected, f"BatchNorm(2, eps={eps}) on a nearly constant feature", reveal=False,
                    hint="divide by sqrt(var + eps), not sqrt(var) + eps")


@weight(1)
@given(channels=st.integers(1, 6))
def test_batchnorm_module_state_dict_holds_parameters_and_running_statistics(impl, channels):
    """torch BatchNorm module state dict holds parameters and running statistics."""
    got = impl.probe(state_dict_shapes, MODULE, [channels])
    for key in ("weight", "bias", "running_mean", "running_var"):
        assert key in got, f"BatchNorm's state_dict lacks {key!r}; register running statistics with register_buffer"
        assert got[key] == [channels], f"BatchNorm's {key} has the wrong shape"


@weight(1)
@pytest.mark.parametrize("shape", [(1, 3), (1, 3, 1, 1)])
def test_batchnorm_module_raises_value_error_for_one_value_per_feature_in_training(impl, shape):
    """torch BatchNorm module raises ValueError for one value per feature in training."""
    x = gaussian(6, *shape).astype(np.float32)
    with pytest.raises(ValueError):
        impl.probe(module_forward_backward, MODULE, x, args=[3])


@weight(1)
@pytest.mark.parametrize("shape", [(1, 3), (1, 3, 1, 1)])
def test_batchnorm_module_in_eval_mode_accepts_a_batch_of_one(impl, shape):
    """torch BatchNorm module in eval mode accepts a batch of one."""
    x = gaussian(7, *shape).astype(np.float32)
    state = {"running_mean": gaussian(8, 3).astype(np.float32), "running_var": np.array([0.5, 1.0, 2.0], np.float32)}
    got = impl.probe(module_forward_backward, MODULE, x, args=[3], state=state, train=False)
    ref = nn_batchnorm(len(shape), 3, 0.1, 1e-5)
    ref.load_state_dict({**ref.state_dict(), **{k: torch.tensor(v) for k, v in state.items()}})
    ref.eval()
    with torch.no_grad():
        expected = ref(torch.tensor(x)).numpy()
    checks.allclose(got["out"], expected, f"BatchNorm(3) in eval mode on input {shape}", reveal=False,
                    hint="only training mode needs more than one value per feature")


@weight(1)
@pytest.mark.parametrize("shape", [(4, 2), (2, 2, 1, 2)])
def test_batchnorm_module_default_eps_is_1e_5(impl, shape):
    """torch BatchNorm module default eps is 1e-5."""
    x = NEARLY_CONSTANT
    x = x.reshape(2, 2, 2).transpose(0, 2, 1).reshape(shape) if len(shape) == 4 else x  # the same values per channel
    got = impl.probe(module_forward_backward, MODULE, x, args=[2])
    with torch.no_grad():
        expected = nn_batchnorm(len(shape), 2, 0.1, 1e-5)(torch.tensor(x)).numpy()
    checks.allclose(got["out"], expected, "BatchNorm(2) with the default eps on a nearly constant feature",
                    reveal=False, hint="eps defaults to 1e-5, inside the square root")


@weight(1)
@pytest.mark.parametrize("shape", [(5, 3), (2, 3, 2, 2)])
@given(seed=seeds())
def test_batchnorm_module_gradients_in_eval_mode_match_nn_batchnorm(impl, shape, seed):
    """torch BatchNorm module gradients in eval mode match nn.BatchNorm's."""
    c = shape[1]
    x = gaussian(seed, *shape).astype(np.float32)
    dout = gaussian(seed + 1, *shape).astype(np.float32)
    state = {"weight": gaussian(seed + 2, c).astype(np.float32), "bias": gaussian(seed + 3, c).astype(np.float32),
             "running_mean": gaussian(seed + 4, c).astype(np.float32),
             "running_var": np.random.default_rng(seed + 5).uniform(0.5, 2.0, c).astype(np.float32)}
    got = impl.probe(module_forward_backward, MODULE, x, dout, args=[c], state=state, train=False)
    ref = nn_batchnorm(len(shape), c, 0.1, 1e-5)
    ref.load_state_dict({**ref.state_dict(), **{k: torch.tensor(v) for k, v in state.items()}})
    ref.eval()
    xt = torch.tensor(x, requires_grad=True)
    out = ref(xt)
    backward(out, dout)
    checks.allclose(got["out"], out.detach().numpy(), "BatchNorm output in eval mode", reveal=False)
    checks.allclose(got["dx"], xt.grad.numpy(), "the gradient of BatchNorm with respect to x in eval mode",
                    reveal=False, hint="in eval mode the output is affine in x: dx = dout * weight / "
                                       "sqrt(running_var + eps)")
    checks.allclose(got["grads"].get("weight"), ref.weight.grad.numpy(),
                    "the gradient of BatchNorm.weight in eval mode", reveal=False)
    checks.allclose(got["grads"].get("bias"), ref.bias.grad.numpy(), "the gradient of BatchNorm.bias in eval mode",
                    reveal=False)


@weight(1)
@pytest.mark.parametrize("shape", [(2, 3), (1, 3, 1, 2), (2, 3, 1, 1)])
def test_batchnorm_module_trains_on_two_values_per_feature(impl, shape):
    """torch BatchNorm module trains on two values per feature."""
    x = (1.0 + gaussian(9, *shape)).astype(np.float32)
    got = impl.probe(module_forward_backward, MODULE, x, args=[3])
    ref = nn_batchnorm(len(shape), 3, 0.1, 1e-5)
    with torch.no_grad():
        expected = ref(torch.tensor(x)).numpy()
    checks.allclose(got["out"], expected, f"BatchNorm(3) in training mode on input {shape}", reveal=False,
                    hint="two values per feature are enough in training mode")
    for name in ("running_mean", "running_var"):
        checks.allclose(got["buffers"][name], getattr(ref, name).numpy(), f"{name} after one batch of {shape}",
                        reveal=False)


@weight(1)
@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 2, 2)], ids=["2d", "4d"])
@pytest.mark.parametrize("training", [True, False], ids=["training", "eval"])
def test_batchnorm_returns_new_arrays_repeats_its_backward_and_takes_any_layout(impl, shape, training):
    """numpy batchnorm returns new arrays, repeats its backward and takes any memory layout.

    out, the running statistics (copies in eval mode) and the gradients are new arrays; a second backward from
    one cache gives the gradients again; transposed inputs give the same results."""
    args = bn_inputs(6, shape)
    check_layer_calls(impl, MOD, "batchnorm", args, gaussian(7, *shape), {"training": training},
                      what=f"batchnorm ({'training' if training else 'eval'} mode, input {shape})")


@weight(1)
@pytest.mark.parametrize("shape", [(5, 3), (2, 3, 2, 2)], ids=["2d", "4d"])
def test_batchnorm_module_buffers_never_require_grad_and_eval_backward_works_after_training(impl, shape):
    """torch BatchNorm module buffers never require grad, and eval backward works after training.

    After training steps with backward passes, the running statistics neither require grad nor carry an autograd
    history, and a forward and backward pass in eval mode matches nn.BatchNorm's."""
    c = shape[1]
    batches = [(1.0 + step + gaussian(20 + step, *shape)).astype(np.float32) for step in range(3)]
    douts = [gaussian(30 + step, *shape).astype(np.float32) for step in range(3)]
    eval_x, eval_dout = gaussian(40, *shape).astype(np.float32), gaussian(41, *shape).astype(np.float32)
    got = impl.probe(train_backward_then_eval, MODULE, batches, douts, eval_x, eval_dout, args=[c])
    for name in ("running_mean", "running_var"):
        assert not got["buffers_require_grad"].get(name, True) and not got["buffers_have_history"].get(name, True), (
            f"BatchNorm.{name} requires grad or carries an autograd history after training\n  hint: update the "
            "running statistics in place under torch.no_grad() (self.running_mean.mul_(...).add_(...))")
    ref = nn_batchnorm(len(shape), c, 0.1, 1e-5)
    for x, dout in zip(batches, douts):
        backward(ref(torch.tensor(x, requires_grad=True)), dout)
    ref.eval()
    xt = torch.tensor(eval_x, requires_grad=True)
    out = ref(xt)
    backward(out, eval_dout)
    checks.allclose(got["eval_out"], out.detach().numpy(), "BatchNorm output in eval mode after 3 training steps",
                    reveal=False)
    checks.allclose(got["eval_dx"], xt.grad.numpy(), "the gradient of BatchNorm in eval mode after 3 training steps",
                    reveal=False)


@weight(1)
@pytest.mark.parametrize("train", [True, False], ids=["training", "eval"])
def test_batchnorm_module_takes_a_permuted_input(impl, train):
    """torch BatchNorm module takes a permuted input.

    A non-contiguous (permuted) 4-D input gives nn.BatchNorm2d's output and gradient."""
    x, dout = (1.0 + gaussian(50, 3, 2, 4, 2)).astype(np.float32), gaussian(51, 3, 2, 4, 2).astype(np.float32)
    got = impl.probe(module_forward_backward, MODULE, x, dout, args=[2], train=train, layout="F")
    ref = nn_batchnorm(4, 2, 0.1, 1e-5)
    ref.train(train)
    xt = torch.tensor(x, requires_grad=True)
    out = ref(xt)
    backward(out, dout)
    checks.allclose(got["out"], out.detach().numpy(), "BatchNorm output for a permuted (non-contiguous) input",
                    reveal=False, hint="x may be non-contiguous: use reshape or mean over dims, never view")
    checks.allclose(got["dx"], xt.grad.numpy(), "the gradient of BatchNorm for a permuted input", reveal=False)
