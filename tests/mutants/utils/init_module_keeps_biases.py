"""init_module_ re-initializes the weights but leaves the biases as they were."""
TARGET = "utils/init.py"


def init_module_(module, scheme, seed=None):
    generator = None if seed is None else torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for layer in module.modules():
            if isinstance(layer, (nn.Linear, nn.Conv1d, nn.Conv2d)):
                fan_in = layer.weight[0].numel()
                std = {"zeros": 0.0, "normal": 0.01, "xavier": (1 / fan_in) ** 0.5, "he": (2 / fan_in) ** 0.5}[scheme]
                layer.weight.normal_(0.0, std, generator=generator) if std else layer.weight.zero_()
    return module
