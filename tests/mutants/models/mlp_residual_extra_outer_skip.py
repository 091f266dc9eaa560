"""ResidualMLP adds a skip around all blocks on top of the blocks' own: the skip around the wrong operations."""
TARGET = "models/mlp.py"


def _forward(self, x):
    h0 = self.linear_in(x.flatten(1))
    h = h0 + self.blocks(h0)
    if self.norm is not None:
        h = self.norm(h)
    return self.linear_out(h)


ResidualMLP.forward = _forward
