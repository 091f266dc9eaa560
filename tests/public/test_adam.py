"""Public tests of ema_update and Adam in optimizers/adam.py: small steps that you can follow by hand."""
import numpy as np
from gradescope_utils.autograder_utils.decorators import weight

from grader.testkit import checks
from grader.testkit.probes.optim import trajectory, zero_grad

MOD = "optimizers.adam"
ADAM = "optimizers.adam:Adam"
P = np.array([1.0, -2.0, 0.5])


@weight(1)
def test_ema_update_returns_corrected_and_raw_average(impl):
    # t = 1: ema* = 0.5 * 0 + 0.5 * 2 = 1;   ema = 1 / (1 - 0.5) = 2
    ema, ema_star = impl.call(f"{MOD}:ema_update", 2.0, 0.5, 1, 0.0)
    checks.close(ema_star, 1.0, "ema_star_t, the second value of ema_update(2.0, 0.5, 1, 0.0)")
    checks.close(ema, 2.0, "ema, the first value of ema_update(2.0, 0.5, 1, 0.0)",
                 hint="divide by 1 - beta**t to correct the bias towards the initial 0")
    # t = 2: ema* = 0.5 * 1 + 0.5 * 4 = 2.5; ema = 2.5 / (1 - 0.25) = 10/3
    ema, ema_star = impl.call(f"{MOD}:ema_update", 4.0, 0.5, 2, 1.0)
    checks.close(ema_star, 2.5, "ema_star_t of ema_update(4.0, 0.5, 2, 1.0)")
    checks.close(ema, 10 / 3, "ema of ema_update(4.0, 0.5, 2, 1.0)")


@weight(1)
def test_ema_update_rejects_t_below_one(impl):
    assert impl.raised(f"{MOD}:ema_update", 2.0, 0.5, 0, 0.0) == "ValueError", \
        "ema_update(x, beta, t=0, ...) should raise ValueError: t counts from 1"


@weight(1)
def test_adam_first_step_moves_each_entry_by_about_lr(impl):
    g = np.array([0.3, -4.0, 1e-3])
    got = impl.probe(trajectory, ADAM, [P], [[g]], {"lr": 0.1})
    # bias correction makes m_hat = g and v_hat = g^2 after one step: the step is lr * g / (|g| + eps)
    checks.close(got["params"][0][0], P - 0.1 * g / (np.abs(g) + 1e-8), "the parameter after one Adam step",
                 hint="use the bias-corrected moments m_hat = m / (1 - beta1**t), v_hat = v / (1 - beta2**t)")


@weight(1)
def test_adam_two_steps_follow_the_update_rule(impl):
    g1, g2 = np.array([1.0, -1.0, 2.0]), np.array([0.5, 0.5, -1.0])
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
    got = impl.probe(trajectory, ADAM, [P], [[g1], [g2]], {"lr": lr})
    m1, v1 = (1 - b1) * g1, (1 - b2) * g1 ** 2
    p1 = P - lr * (m1 / (1 - b1)) / (np.sqrt(v1 / (1 - b2)) + eps)
    m2, v2 = b1 * m1 + (1 - b1) * g2, b2 * v1 + (1 - b2) * g2 ** 2
    p2 = p1 - lr * (m2 / (1 - b1 ** 2)) / (np.sqrt(v2 / (1 - b2 ** 2)) + eps)
    checks.close(got["params"][0][0], p1, "the parameter after Adam step 1")
    checks.close(got["params"][1][0], p2, "the parameter after Adam step 2",
                 hint="t is 1 at the first step and 2 at the second; eps goes outside the square root")


@weight(1)
def test_adam_weight_decay_is_added_to_the_gradient(impl):
    g = np.array([0.0, 0.0, 0.0])
    got = impl.probe(trajectory, ADAM, [P], [[g], [g]], {"lr": 0.1, "weight_decay": 0.5})
    # step 1: g = 0.5 p, so the step is lr * g / (|g| + eps), about lr * sign(p); step 2 uses g = 0.5 p1
    p1 = P - 0.1 * (0.5 * P) / (np.abs(0.5 * P) + 1e-8)
    gs = [0.5 * P, 0.5 * p1]
    m2 = 0.9 * 0.1 * gs[0] + 0.1 * gs[1]
    v2 = 0.999 * 0.001 * gs[0] ** 2 + 0.001 * gs[1] ** 2
    p2 = p1 - 0.1 * (m2 / (1 - 0.9 ** 2)) / (np.sqrt(v2 / (1 - 0.999 ** 2)) + 1e-8)
    checks.close(got["params"][0][0], p1, "the parameter after one Adam step with weight decay")
    checks.close(got["params"][1][0], p2, "the parameter after two Adam steps with weight decay",
                 hint="L2 weight decay: g = grad + weight_decay * p enters both moments (this is not AdamW)")


@weight(1)
def test_adam_skips_a_parameter_whose_grad_is_none(impl):
    grads = [[np.array([1.0, 1.0, 1.0]), np.array([2.0])], [None, np.array([2.0])]]
    got = impl.probe(trajectory, ADAM, [P, np.array([3.0])], grads, {"lr": 0.1})
    checks.close(got["params"][1][0], P - 0.1 / (1 + 1e-8), "a parameter whose grad is None at step 2",
                 hint="skip parameters whose .grad is None: value, moments and step count stay as they are")
    checks.close(got["params"][1][1], [3.0 - 0.2 / (1 + 1e-8 / 2)], "a parameter with the same gradient twice")


@weight(1)
def test_adam_step_leaves_grad_unchanged(impl):
    g = np.array([0.5, -1.0, 2.0])
    got = impl.probe(trajectory, ADAM, [P], [[g]], {"lr": 0.1, "weight_decay": 0.1})
    checks.array(got["grads"][0][0], "p.grad after step()", shape=g.shape)
    checks.unchanged(g, got["grads"][0][0], "p.grad (step() must only read it)", tensor=True)


@weight(1)
def test_adam_zero_grad_sets_every_grad_to_none(impl):
    grads = [np.array([0.5, -1.0, 2.0]), np.array([1.0])]
    got = impl.probe(zero_grad, ADAM, [P, np.array([3.0])], grads, {"lr": 0.1})
    assert got["grad_is_none"] == [True, True], "zero_grad() should set p.grad = None for every parameter"
    checks.unchanged(P, got["params"][0], "a parameter during zero_grad()", tensor=True)
