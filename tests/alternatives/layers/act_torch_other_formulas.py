"""Torch activations through other exact formulas: sigmoid as exp(log-sigmoid), tanh as 2 sigmoid(2x) - 1,
ReLU and leaky ReLU as x times a constant mask, SiLU from that sigmoid, the Gaussian through a square."""
TARGET = "layers/activations.py"


def _abs(x):
    return torch.where(x >= 0, x, -x)


def _sigmoid(self, x):
    # log sigmoid(x) = min(x, 0) - log(1 + exp(-|x|))
    return torch.exp(torch.where(x < 0, x, torch.zeros_like(x)) - torch.log1p(torch.exp(-_abs(x))))


def _tanh(self, x):
    return 2.0 * Sigmoid()(2.0 * x) - 1.0


def _relu(self, x):
    return x * (x > 0).to(x.dtype)


def _leaky_relu(self, x):
    return x * (self.slope + (1.0 - self.slope) * (x > 0).to(x.dtype))


def _silu(self, x):
    return x * Sigmoid()(x)


def _gaussian(self, x):
    return torch.exp(-x.square())


Sigmoid.forward = _sigmoid
Tanh.forward = _tanh
ReLU.forward = _relu
LeakyReLU.forward = _leaky_relu
SiLU.forward = _silu
Gaussian.forward = _gaussian
