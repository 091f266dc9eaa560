"""BatchNorm module keeping running_mean and running_var as plain tensor attributes, not registered buffers."""
TARGET = "layers/normalization.py"

_original_init = BatchNorm.__init__


def _init(self, num_features, momentum=0.1, eps=1e-5):
    _original_init(self, num_features, momentum, eps)
    mean, var = self.running_mean, self.running_var
    del self._buffers["running_mean"], self._buffers["running_var"]
    object.__setattr__(self, "running_mean", mean)
    object.__setattr__(self, "running_var", var)


BatchNorm.__init__ = _init
