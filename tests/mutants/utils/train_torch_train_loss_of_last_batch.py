"""train_torch records the last batch's loss as the epoch's training loss."""
TARGET = "utils/train.py"
REPLACE = [
    ("history.train_loss.append(float(loss_sum) / len(X_train))", "history.train_loss.append(float(loss))"),
]
