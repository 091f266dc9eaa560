"""ResidualBlock adding pre(x) instead of x: the skip goes around fc1 and fc2 only."""
TARGET = "layers/residual.py"


def _forward(self, x):
    h = self.pre(x)
    return h + self.fc2(self.act(self.fc1(h)))


ResidualBlock.forward = _forward
