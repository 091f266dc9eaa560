"""ResidualBlock applying the activation after the sum: act(x + fc2(fc1(pre(x))))."""
TARGET = "layers/residual.py"


def _forward(self, x):
    return self.act(x + self.fc2(self.fc1(self.pre(x))))


ResidualBlock.forward = _forward
