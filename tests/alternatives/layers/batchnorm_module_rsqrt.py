"""BatchNorm module with torch.var, torch.rsqrt and copy_ into the buffers."""
TARGET = "layers/normalization.py"


def _forward(self, x):
    dims = tuple(d for d in range(x.dim()) if d != 1)
    view = [1] * x.dim()
    view[1] = -1
    if not self.training:
        scale = self.weight * torch.rsqrt(self.running_var + self.eps)
        return (x - self.running_mean.view(view)) * scale.view(view) + self.bias.view(view)
    n = x.numel() // x.shape[1]
    if n == 1:
        raise ValueError("BatchNorm in training mode needs more than one value per channel")
    mean = x.mean(dim=dims)
    var = torch.var(x, dim=dims, unbiased=False)
    with torch.no_grad():
        self.running_mean.copy_(self.running_mean + self.momentum * (mean - self.running_mean))
        self.running_var.copy_(self.running_var + self.momentum * (var * n / (n - 1) - self.running_var))
    xhat = (x - mean.view(view)) * torch.rsqrt(var.view(view) + self.eps)
    return xhat * self.weight.view(view) + self.bias.view(view)


BatchNorm.forward = _forward
