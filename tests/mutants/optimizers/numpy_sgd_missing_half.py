"""NumpySGD adds 2 * reg * W: the gradient of reg * sum(W^2), missing the objective's 1/2 factor."""
TARGET = "optimizers/numpy_sgd.py"


def _apply_regularization(self, model):
    for key, w in model.weights.items():
        if key.startswith("W"):
            model.gradients[key] = model.gradients[key] + 2 * self.reg * w


NumpySGD.apply_regularization = _apply_regularization
