"""NumpySGD.update forgets to call apply_regularization."""
TARGET = "optimizers/numpy_sgd.py"


def _update(self, model):
    for key in model.weights:
        model.weights[key] = model.weights[key] - self.learning_rate * model.gradients[key]


NumpySGD.update = _update
