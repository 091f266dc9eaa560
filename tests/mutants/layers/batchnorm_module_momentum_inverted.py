"""BatchNorm module updating running statistics as momentum * old + (1 - momentum) * batch."""
TARGET = "layers/normalization.py"

_original_init = BatchNorm.__init__


def _init(self, num_features, momentum=0.1, eps=1e-5):
    _original_init(self, num_features, 1 - momentum, eps)


BatchNorm.__init__ = _init
