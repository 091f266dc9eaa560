"""ResidualBlock computing x + fc2(act(fc1(x))), leaving out pre (the activation or BatchNorm before fc1)."""
TARGET = "layers/residual.py"


def _forward(self, x):
    return x + self.fc2(self.act(self.fc1(x)))


ResidualBlock.forward = _forward
