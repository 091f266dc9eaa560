"""ResidualBlock without the activation between its two Linear layers: x + fc2(fc1(pre(x)))."""
TARGET = "layers/residual.py"


def _forward(self, x):
    return x + self.fc2(self.fc1(self.pre(x)))


ResidualBlock.forward = _forward
