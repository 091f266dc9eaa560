"""train_torch never resets its loss and accuracy sums, so epoch e records the running mean over epochs 1..e."""
TARGET = "utils/train.py"
REPLACE = [
    ("    for epoch in range(epochs):\n"
     "        model.train()\n",
     "    loss_sum = torch.zeros((), device=dev)\n"
     "    correct = torch.zeros((), device=dev)\n"
     "    for epoch in range(epochs):\n"
     "        model.train()\n"),
    ("        loss_sum = torch.zeros((), device=dev)\n"
     "        correct = torch.zeros((), device=dev)\n", ""),
    ("        history.train_loss.append(float(loss_sum) / len(X_train))\n"
     "        history.train_acc.append(float(correct) / len(X_train))\n",
     "        history.train_loss.append(float(loss_sum) / ((epoch + 1) * len(X_train)))\n"
     "        history.train_acc.append(float(correct) / ((epoch + 1) * len(X_train)))\n"),
]
