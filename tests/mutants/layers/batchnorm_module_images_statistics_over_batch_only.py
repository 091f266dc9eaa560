"""BatchNorm module taking (N, C, H, W) statistics over N only (per channel and pixel), not over N, H, W."""
TARGET = "layers/normalization.py"


def _forward(self, x):
    shape = [1, -1] + [1] * (x.dim() - 2)
    if self.training:
        count = x.shape[0]
        mean = x.mean(dim=0, keepdim=True)
        var = ((x - mean) ** 2).mean(dim=0, keepdim=True)
        with torch.no_grad():
            channel_mean = mean.reshape(x.shape[1], -1).mean(dim=1)
            channel_var = var.reshape(x.shape[1], -1).mean(dim=1)
            self.running_mean.mul_(1 - self.momentum).add_(self.momentum * channel_mean)
            self.running_var.mul_(1 - self.momentum).add_(self.momentum * channel_var * count / (count - 1))
    else:
        mean, var = self.running_mean.reshape(shape), self.running_var.reshape(shape)
    xhat = (x - mean) / torch.sqrt(var + self.eps)
    return self.weight.reshape(shape) * xhat + self.bias.reshape(shape)


BatchNorm.forward = _forward
