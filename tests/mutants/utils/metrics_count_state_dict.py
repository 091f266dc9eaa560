"""count_parameters counts the state dict: buffers too, and shared parameters twice."""
TARGET = "utils/metrics.py"


def count_parameters(model):
    return sum(t.numel() for t in model.state_dict().values())
