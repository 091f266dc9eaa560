"""NumpySGD.update regularizes, then adds reg * W again in the step."""
TARGET = "optimizers/numpy_sgd.py"


def _update(self, model):
    self.apply_regularization(model)
    for key in model.weights:
        grad = model.gradients[key] + (self.reg * model.weights[key] if key.startswith("W") else 0.0)
        model.weights[key] = model.weights[key] - self.learning_rate * grad


NumpySGD.update = _update
