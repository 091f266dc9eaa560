"""count_parameters also counts frozen parameters."""
TARGET = "utils/metrics.py"


def count_parameters(model):
    return sum(p.numel() for p in model.parameters())
