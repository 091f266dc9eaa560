"""predict switches the model to eval mode and leaves it there."""
TARGET = "utils/train.py"


def predict(model, X, batch_size=256, device="cpu"):
    if not isinstance(model, nn.Module):
        return np.asarray(model.predict(X)).astype(np.int64)
    dev = resolve_device(device)
    model.to(dev)
    model.eval()
    outputs = []
    with torch.no_grad():
        for start in range(0, len(X), batch_size):
            outputs.append(model(torch.as_tensor(X[start:start + batch_size], dtype=torch.float32, device=dev)))
    return torch.cat(outputs).argmax(dim=1).cpu().numpy().astype(np.int64)
