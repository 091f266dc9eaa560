"""train_torch turns the training features into tensors of their own dtype: float64 data meets float32 weights."""
TARGET = "utils/train.py"
REPLACE = [
    ("            xb = torch.as_tensor(X, dtype=torch.float32, device=dev)\n",
     "            xb = torch.from_numpy(np.asarray(X)).to(dev)\n"),
]
