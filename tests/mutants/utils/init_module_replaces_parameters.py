"""init_module_ assigns new nn.Parameter objects instead of filling the existing ones."""
TARGET = "utils/init.py"


def init_module_(module, scheme, seed=None):
    generator = None if seed is None else torch.Generator().manual_seed(seed)
    for layer in module.modules():
        if isinstance(layer, (nn.Linear, nn.Conv1d, nn.Conv2d)):
            fan_in = layer.weight[0].numel()
            std = {"zeros": 0.0, "normal": 0.01, "xavier": (1 / fan_in) ** 0.5, "he": (2 / fan_in) ** 0.5}[scheme]
            layer.weight = nn.Parameter(std * torch.randn(layer.weight.shape, generator=generator))
            if layer.bias is not None:
                layer.bias = nn.Parameter(torch.zeros_like(layer.bias))
    return module
