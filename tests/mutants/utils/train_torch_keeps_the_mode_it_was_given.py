"""train_torch never calls model.train(): a model handed over in eval mode trains in eval mode."""
TARGET = "utils/train.py"
REPLACE = [("        model.train()\n", "")]
