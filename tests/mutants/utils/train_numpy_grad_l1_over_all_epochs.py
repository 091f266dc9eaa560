"""train_numpy averages the gradient L1 norms over every epoch instead of the first."""
TARGET = "utils/train.py"
REPLACE = [
    ("        l1: dict[str, float] = {}\n", ""),
    ("    history = History()\n"
     "    for epoch in range(epochs):\n",
     "    history = History()\n"
     "    l1: dict[str, float] = {}\n"
     "    steps = 0\n"
     "    for epoch in range(epochs):\n"),
    ("            if epoch == 0:\n"
     "                for key, grad in model.gradients.items():\n"
     "                    l1[key] = l1.get(key, 0.0) + float(np.sum(np.abs(grad)))\n",
     "            steps += 1\n"
     "            for key, grad in model.gradients.items():\n"
     "                l1[key] = l1.get(key, 0.0) + float(np.sum(np.abs(grad)))\n"),
    ("        if epoch == 0:\n"
     "            history.grad_l1 = {key: total / len(x_batches) for key, total in l1.items()}\n",
     "        history.grad_l1 = {key: total / steps for key, total in l1.items()}\n"),
]
