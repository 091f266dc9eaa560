"""train_torch validates the whole validation set in one forward pass, ignoring batch_size."""
TARGET = "utils/train.py"
REPLACE = [
    ("        logits = _eval_outputs(model, X_val, batch_size, dev)\n",
     "        logits = _eval_outputs(model, X_val, max(len(X_val), 1), dev)\n"),
]
