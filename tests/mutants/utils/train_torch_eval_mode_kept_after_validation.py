"""train_torch calls model.train() once before the first epoch; after the first validation it trains in eval mode."""
TARGET = "utils/train.py"
REPLACE = [
    ("    for epoch in range(epochs):\n"
     "        model.train()\n",
     "    model.train()\n"
     "    for epoch in range(epochs):\n"),
    ("    model.train(was_training)\n", ""),
]
