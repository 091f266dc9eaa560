"""NumpySGD.update takes the data step of a weight first, then its regularization step with the updated weight."""
TARGET = "optimizers/numpy_sgd.py"


def _update(self, model):
    for key in model.weights:
        w = model.weights[key] - self.learning_rate * model.gradients[key]
        if key.startswith("W"):
            w = w - self.learning_rate * self.reg * w
        model.weights[key] = w


NumpySGD.update = _update
