"""NumpySGD has its defaults swapped: learning_rate=1e-3, reg=1e-4."""
TARGET = "optimizers/numpy_sgd.py"

_init = NumpySGD.__init__


def _swapped_init(self, learning_rate=1e-3, reg=1e-4):
    _init(self, learning_rate, reg)


NumpySGD.__init__ = _swapped_init
