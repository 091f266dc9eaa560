"""Public tests of SGD in optimizers/sgd.py: a few steps on fixed gradients that you can follow by hand."""
import numpy as np
from gradescope_utils.autograder_utils.decorators import weight

from grader.testkit import checks
from grader.testkit.probes.optim import trajectory, zero_grad

SGD = "optimizers.sgd:SGD"
P = np.array([1.0, -2.0])


@weight(1)
def test_sgd_step_without_momentum_is_p_minus_lr_times_grad(impl):
    got = impl.probe(trajectory, SGD, [P], [[np.array([0.5, -1.0])]], {"lr": 0.1})
    checks.close(got["params"][0][0], [0.95, -1.9], "the parameter after one SGD step (lr=0.1)")


@weight(1)
def test_sgd_momentum_buffer_accumulates_gradients(impl):
    grads = [[np.array([1.0, 1.0])], [np.array([1.0, -1.0])]]
    got = impl.probe(trajectory, SGD, [P], grads, {"lr": 0.1, "momentum": 0.9})
    # step 1: m = g1 = [1, 1];             p = [1, -2] - 0.1 * m      = [0.9, -2.1]
    # step 2: m = 0.9 m + g2 = [1.9, -0.1]; p = [0.9, -2.1] - 0.1 * m = [0.71, -2.09]
    checks.close(got["params"][0][0], [0.9, -2.1], "the parameter after SGD step 1 (momentum=0.9)")
    checks.close(got["params"][1][0], [0.71, -2.09], "the parameter after SGD step 2 (momentum=0.9)",
                 hint="m = momentum * m + g (no (1 - momentum) factor), then p -= lr * m")


@weight(1)
def test_sgd_weight_decay_enters_the_gradient_before_momentum(impl):
    grads = [[np.array([0.0])], [np.array([0.0])]]
    got = impl.probe(trajectory, SGD, [np.array([1.0])], grads, {"lr": 0.1, "momentum": 0.5, "weight_decay": 1.0})
    # step 1: g = 0 + 1.0 * 1.0 = 1;  m = 1;               p = 1 - 0.1 * 1     = 0.9
    # step 2: g = 0 + 1.0 * 0.9 = 0.9; m = 0.5 * 1 + 0.9 = 1.4; p = 0.9 - 0.1 * 1.4 = 0.76
    checks.close(got["params"][0][0], [0.9], "the parameter after SGD step 1 (weight_decay=1)")
    checks.close(got["params"][1][0], [0.76], "the parameter after SGD step 2 (weight_decay=1, momentum=0.5)",
                 hint="add weight_decay * p to the gradient first, then update the momentum buffer with it")


@weight(1)
def test_sgd_skips_a_parameter_whose_grad_is_none(impl):
    grads = [[np.array([1.0, 1.0]), np.array([1.0])], [None, np.array([1.0])]]
    got = impl.probe(trajectory, SGD, [P, np.array([3.0])], grads, {"lr": 0.1, "momentum": 0.9})
    checks.close(got["params"][1][0], [0.9, -2.1], "a parameter whose grad is None at step 2",
                 hint="skip parameters whose .grad is None: their value and momentum buffer stay as they are")
    checks.close(got["params"][1][1], [3.0 - 0.1 - 0.19], "a parameter with a gradient at both steps")


@weight(1)
def test_sgd_step_leaves_grad_unchanged(impl):
    g = np.array([0.5, -1.0])
    got = impl.probe(trajectory, SGD, [P], [[g], [g]], {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.1})
    checks.close(got["params"][0][0], P - 0.1 * (g + 0.1 * P), "the parameter after one SGD step with weight decay")
    for grads_after in got["grads"]:
        checks.array(grads_after[0], "p.grad after step()", shape=g.shape)
        checks.unchanged(g, grads_after[0], "p.grad (step() must only read it)", tensor=True)


@weight(1)
def test_sgd_zero_grad_sets_every_grad_to_none(impl):
    got = impl.probe(zero_grad, SGD, [P, np.array([3.0])], [np.array([1.0, 1.0]), np.array([2.0])], {"lr": 0.1})
    assert got["grad_is_none"] == [True, True], "zero_grad() should set p.grad = None for every parameter"
    checks.unchanged(P, got["params"][0], "a parameter during zero_grad()", tensor=True)
