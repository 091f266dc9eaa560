"""MLP flattening its input with x.view(N, -1), which fails on a non-contiguous (permuted) tensor."""
TARGET = "models/mlp.py"


def _forward(self, x):
    return self.layers(x.view(x.shape[0], -1))


MLP.forward = _forward
