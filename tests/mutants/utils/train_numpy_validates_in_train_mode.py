"""train_numpy evaluates the validation set with mode="train"."""
TARGET = "utils/train.py"
REPLACE = [
    ('        val_loss, val_acc = model.forward(X_val, y_val, mode="valid")\n',
     '        val_loss, val_acc = model.forward(X_val, y_val, mode="train")\n'),
]
