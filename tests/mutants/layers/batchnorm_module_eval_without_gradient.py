"""BatchNorm module computing its eval-mode output without gradient (torch.no_grad)."""
TARGET = "layers/normalization.py"

_correct_forward = BatchNorm.forward


def _forward(self, x):
    if self.training:
        return _correct_forward(self, x)
    with torch.no_grad():
        return _correct_forward(self, x)


BatchNorm.forward = _forward
