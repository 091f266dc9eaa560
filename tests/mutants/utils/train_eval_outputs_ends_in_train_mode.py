"""Validation and predict call model.train() at the end, so a model given in eval mode comes back in train mode."""
TARGET = "utils/train.py"
REPLACE = [
    ("    model.train(was_training)\n", "    model.train()\n"),
]
