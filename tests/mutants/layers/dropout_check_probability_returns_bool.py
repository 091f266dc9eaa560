"""check_probability returning whether p is valid instead of raising; its callers raise on False."""
TARGET = "layers/dropout.py"


def check_probability(p):
    return 0 <= p < 1


_dropout_forward = dropout_forward


def dropout_forward(x, p, training=True, seed=None):
    if not check_probability(p):
        raise ValueError(f"dropout probability p must satisfy 0 <= p < 1, got {p}")
    return _dropout_forward(x, p, training, seed)


_init = Dropout.__init__


def _checked_init(self, p=0.5):
    if not check_probability(p):
        raise ValueError(f"dropout probability p must satisfy 0 <= p < 1, got {p}")
    _init(self, p)


Dropout.__init__ = _checked_init
