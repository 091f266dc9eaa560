"""Dropout with a default drop probability of 0.1 instead of 0.5."""
TARGET = "layers/dropout.py"

_init = Dropout.__init__


def _init_default(self, p=0.1):
    _init(self, p)


Dropout.__init__ = _init_default
