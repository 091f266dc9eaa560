"""ACTIVATIONS maps "silu" to Sigmoid."""
TARGET = "layers/activations.py"
TESTS = ["test_activations_torch.py"]

ACTIVATIONS = {**ACTIVATIONS, "silu": Sigmoid}
