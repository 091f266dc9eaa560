"""train_numpy records the plain mean of the batch losses and accuracies, overweighting a smaller last batch."""
TARGET = "utils/train.py"
REPLACE = [
    ("            loss_sum += float(loss) * len(y)\n"
     "            acc_sum += float(acc) * len(y)\n",
     "            loss_sum += float(loss) * len(y_train) / len(x_batches)\n"
     "            acc_sum += float(acc) * len(y_train) / len(x_batches)\n"),
]
