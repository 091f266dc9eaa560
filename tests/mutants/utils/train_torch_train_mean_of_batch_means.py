"""train_torch records the plain mean of the batch losses and accuracies, overweighting a smaller last batch."""
TARGET = "utils/train.py"
REPLACE = [
    ("            loss_sum += loss.detach() * len(yb)\n"
     "            correct += (logits.detach().argmax(dim=1) == yb).sum()\n",
     "            loss_sum += loss.detach() * len(X_train) / len(x_batches)\n"
     "            correct += (logits.detach().argmax(dim=1) == yb).float().mean() * len(X_train) / len(x_batches)\n"),
]
