"""train_numpy never shuffles: every epoch visits the training samples in their stored order."""
TARGET = "utils/train.py"
REPLACE = [
    ("generate_batched_data(X_train, y_train, batch_size, shuffle=True, seed=seed + epoch)\n"
     "        loss_sum = acc_sum = 0.0\n",
     "generate_batched_data(X_train, y_train, batch_size)\n"
     "        loss_sum = acc_sum = 0.0\n"),
]
