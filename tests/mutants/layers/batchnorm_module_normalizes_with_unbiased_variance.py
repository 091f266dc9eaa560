"""BatchNorm module normalizing the batch with torch.var's default unbiased variance."""
TARGET = "layers/normalization.py"


def _forward(self, x):
    dims = [0] + list(range(2, x.dim()))
    shape = [1, -1] + [1] * (x.dim() - 2)
    if self.training:
        mean = x.mean(dim=dims)
        var = x.var(dim=dims)
        with torch.no_grad():
            self.running_mean.mul_(1 - self.momentum).add_(self.momentum * mean)
            self.running_var.mul_(1 - self.momentum).add_(self.momentum * var)
    else:
        mean, var = self.running_mean, self.running_var
    xhat = (x - mean.reshape(shape)) / torch.sqrt(var.reshape(shape) + self.eps)
    return self.weight.reshape(shape) * xhat + self.bias.reshape(shape)


BatchNorm.forward = _forward
