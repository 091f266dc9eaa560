"""train_torch turns the labels into tensors of their own integer dtype instead of int64."""
TARGET = "utils/train.py"
REPLACE = [
    ("            yb = torch.as_tensor(y, dtype=torch.int64, device=dev)\n",
     "            yb = torch.as_tensor(y, device=dev)\n"),
    ("        yv = torch.as_tensor(y_val, dtype=torch.int64, device=dev)\n",
     "        yv = torch.as_tensor(y_val, device=dev)\n"),
]
