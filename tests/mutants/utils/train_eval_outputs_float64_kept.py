"""Validation and predict turn the features into tensors of their own dtype: float64 data meets float32 weights."""
TARGET = "utils/train.py"
REPLACE = [
    ("            xb = torch.as_tensor(X[start:start + batch_size], dtype=torch.float32, device=device)\n",
     "            xb = torch.as_tensor(X[start:start + batch_size], device=device)\n"),
]
