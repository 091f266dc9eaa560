"""NumpySGD.update steps the weights first and regularizes afterwards, so this step has no regularization."""
TARGET = "optimizers/numpy_sgd.py"


def _update(self, model):
    for key in model.weights:
        model.weights[key] = model.weights[key] - self.learning_rate * model.gradients[key]
    self.apply_regularization(model)


NumpySGD.update = _update
