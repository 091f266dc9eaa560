"""init_module_ assigns new nn.Parameter objects instead of filling the existing ones."""
TARGET = "utils/init.py"
REPLACE = [
    ("layer.weight.zero_()", "layer.weight = nn.Parameter(torch.zeros_like(layer.weight))"),
    ("layer.weight.normal_(0.0, std, generator=generator)",
     "layer.weight = nn.Parameter(torch.empty_like(layer.weight).normal_(0.0, std, generator=generator))"),
    ("layer.bias.zero_()", "layer.bias = nn.Parameter(torch.zeros_like(layer.bias))"),
]
