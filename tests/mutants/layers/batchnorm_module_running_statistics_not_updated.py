"""BatchNorm module that never updates running_mean and running_var in training mode."""
TARGET = "layers/normalization.py"


def _forward(self, x):
    dims = [0] + list(range(2, x.dim()))
    shape = [1, -1] + [1] * (x.dim() - 2)
    if self.training:
        mean = x.mean(dim=dims)
        var = ((x - mean.reshape(shape)) ** 2).mean(dim=dims)
    else:
        mean, var = self.running_mean, self.running_var
    xhat = (x - mean.reshape(shape)) / torch.sqrt(var.reshape(shape) + self.eps)
    return self.weight.reshape(shape) * xhat + self.bias.reshape(shape)


BatchNorm.forward = _forward
