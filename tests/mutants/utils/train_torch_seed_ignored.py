"""train_torch shuffles epoch e with seed e, ignoring its seed argument."""
TARGET = "utils/train.py"
REPLACE = [
    ("generate_batched_data(X_train, y_train, batch_size, shuffle=True, seed=seed + epoch)\n"
     "        loss_sum = torch.zeros",
     "generate_batched_data(X_train, y_train, batch_size, shuffle=True, seed=epoch)\n"
     "        loss_sum = torch.zeros"),
]
