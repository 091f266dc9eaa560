"""train_torch calls optimizer.step() before loss.backward(), so no step uses the current batch's gradients."""
TARGET = "utils/train.py"
REPLACE = [
    ("            loss = loss_fn(logits, yb)\n"
     "            loss.backward()\n",
     "            loss = loss_fn(logits, yb)\n"
     "            optimizer.step()\n"
     "            loss.backward()\n"),
    ("            optimizer.step()\n"
     "            loss_sum += ",
     "            loss_sum += "),
]
