"""NumpySGD regularizes every key, biases included."""
TARGET = "optimizers/numpy_sgd.py"


def _apply_regularization(self, model):
    for key, w in model.weights.items():
        model.gradients[key] = model.gradients[key] + self.reg * w


NumpySGD.apply_regularization = _apply_regularization
