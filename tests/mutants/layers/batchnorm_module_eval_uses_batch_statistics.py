"""BatchNorm module normalizing with the batch statistics in eval mode too."""
TARGET = "layers/normalization.py"


def _forward(self, x):
    dims = [0] + list(range(2, x.dim()))
    shape = [1, -1] + [1] * (x.dim() - 2)
    mean = x.mean(dim=dims)
    var = ((x - mean.reshape(shape)) ** 2).mean(dim=dims)
    if self.training:
        count = x.numel() // x.shape[1]
        with torch.no_grad():
            self.running_mean.mul_(1 - self.momentum).add_(self.momentum * mean)
            self.running_var.mul_(1 - self.momentum).add_(self.momentum * var * count / (count - 1))
    xhat = (x - mean.reshape(shape)) / torch.sqrt(var.reshape(shape) + self.eps)
    return self.weight.reshape(shape) * xhat + self.bias.reshape(shape)


BatchNorm.forward = _forward
