"""train_numpy shuffles every epoch with seed itself, so all epochs see the batches in the same order."""
TARGET = "utils/train.py"
REPLACE = [
    ("generate_batched_data(X_train, y_train, batch_size, shuffle=True, seed=seed + epoch)\n"
     "        loss_sum = acc_sum = 0.0\n",
     "generate_batched_data(X_train, y_train, batch_size, shuffle=True, seed=seed)\n"
     "        loss_sum = acc_sum = 0.0\n"),
]
