"""train_torch averages the validation batches' mean losses without weighting the smaller last batch."""
TARGET = "utils/train.py"
REPLACE = [
    ("        history.val_loss.append(float(loss_fn(logits, yv)))\n",
     "        history.val_loss.append(float(np.mean([float(loss_fn(logits[i:i + batch_size], yv[i:i + batch_size]))\n"
     "                                               for i in range(0, len(yv), batch_size)])))\n"),
]
