"""train_numpy calls optimizer.update before the forward pass, so each step uses the previous batch's gradients."""
TARGET = "utils/train.py"
REPLACE = [
    ('            loss, acc = model.forward(X, y, mode="train")\n',
     "            optimizer.update(model)\n"
     '            loss, acc = model.forward(X, y, mode="train")\n'),
    ("            optimizer.update(model)\n"
     "            loss_sum += ",
     "            loss_sum += "),
]
