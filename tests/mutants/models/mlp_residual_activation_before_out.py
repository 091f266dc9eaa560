"""ResidualMLP applies the activation between the last block and linear_out."""
TARGET = "models/mlp.py"


def _forward(self, x):
    h = self.blocks(self.linear_in(x.flatten(1)))
    if self.norm is not None:
        h = self.norm(h)
    return self.linear_out(torch.where(h > 0, h, torch.zeros_like(h)))


ResidualMLP.forward = _forward
