"""Training loops that keep their sums in Python floats, convert with .float()/.long(), and validate batch by batch."""
TARGET = "utils/train.py"


def train_numpy(model, optimizer, data, epochs, batch_size, seed=0):
    X_train, y_train, X_val, y_val = data
    history = History()
    for epoch in range(epochs):
        x_batches, y_batches = generate_batched_data(X_train, y_train, batch_size, shuffle=True, seed=seed + epoch)
        losses, accuracies, sizes, norms = [], [], [], []
        for X, y in zip(x_batches, y_batches):
            loss, acc = model.forward(X, y, mode="train")
            norms.append({key: np.abs(grad).sum() for key, grad in model.gradients.items()})
            optimizer.update(model)
            losses.append(loss)
            accuracies.append(acc)
            sizes.append(len(y))
        if epoch == 0:
            history.grad_l1 = {key: float(np.mean([n[key] for n in norms])) for key in norms[0]}
        history.train_loss.append(float(np.average(losses, weights=sizes)))
        history.train_acc.append(float(np.average(accuracies, weights=sizes)))
        val_loss, val_acc = model.forward(X_val, y_val, mode="eval")
        history.val_loss.append(float(val_loss))
        history.val_acc.append(float(val_acc))
    return history


def train_torch(model, optimizer, loss_fn, data, epochs, batch_size, seed=0, device="cpu", progress=False):
    dev = resolve_device(device)
    model = model.to(dev)
    X_train, y_train, X_val, y_val = data
    history = History()
    for epoch in range(epochs):
        model.train()
        x_batches, y_batches = generate_batched_data(X_train, y_train, batch_size, shuffle=True, seed=seed + epoch)
        total_loss, total_correct, seen = 0.0, 0, 0
        sums = {}
        for X, y in tqdm(list(zip(x_batches, y_batches)), disable=not progress):
            xb = torch.from_numpy(np.ascontiguousarray(X)).float().to(dev)
            yb = torch.from_numpy(np.ascontiguousarray(y)).long().to(dev)
            for p in model.parameters():
                p.grad = None
            logits = model(xb)
            loss = loss_fn(logits, yb)
            loss.backward()
            if epoch == 0:
                for name, p in model.named_parameters():
                    if p.grad is not None:
                        sums[name] = sums.get(name, 0.0) + p.grad.abs().sum().item()
            optimizer.step()
            total_loss += loss.item() * len(y)
            total_correct += int((logits.argmax(dim=1) == yb).sum().item())
            seen += len(y)
        if epoch == 0:
            history.grad_l1 = {name: value / len(x_batches) for name, value in sums.items()}
        history.train_loss.append(total_loss / seen)
        history.train_acc.append(total_correct / seen)
        was_training = model.training
        model.eval()
        val_loss, val_correct = 0.0, 0
        with torch.no_grad():
            for start in range(0, len(X_val), batch_size):
                xb = torch.from_numpy(np.ascontiguousarray(X_val[start:start + batch_size])).float().to(dev)
                yb = torch.from_numpy(np.ascontiguousarray(y_val[start:start + batch_size])).long().to(dev)
                logits = model(xb)
                val_loss += loss_fn(logits, yb).item() * len(yb)
                val_correct += int((logits.argmax(dim=1) == yb).sum().item())
        model.train(was_training)
        history.val_loss.append(val_loss / len(X_val))
        history.val_acc.append(val_correct / len(X_val))
    return history


def predict(model, X, batch_size=256, device="cpu"):
    if not isinstance(model, nn.Module):
        return np.asarray(model.predict(X), dtype=np.int64)
    dev = resolve_device(device)
    model.to(dev)
    mode = model.training
    model.train(False)
    labels = []
    try:
        with torch.inference_mode():
            for start in range(0, len(X), batch_size):
                xb = torch.tensor(np.asarray(X[start:start + batch_size]), dtype=torch.float32, device=dev)
                labels.append(model(xb).argmax(dim=1).cpu().numpy())
    finally:
        model.train(mode)
    return np.concatenate(labels).astype(np.int64) if labels else np.zeros(0, dtype=np.int64)
