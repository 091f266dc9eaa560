"""train_torch calls optimizer.step() before loss.backward(), so no step uses the current batch's gradients."""
TARGET = "utils/train.py"


def train_torch(model, optimizer, loss_fn, data, epochs, batch_size, seed=0, device="cpu", progress=False):
    dev = resolve_device(device)
    model.to(dev)
    X_train, y_train, X_val, y_val = data
    history = History()
    steps_per_epoch = -(-len(X_train) // batch_size)
    bar = tqdm(total=epochs * steps_per_epoch, disable=not progress, unit="batch", leave=False)
    for epoch in range(epochs):
        model.train()
        bar.set_description(f"epoch {epoch + 1}/{epochs}")
        x_batches, y_batches = generate_batched_data(X_train, y_train, batch_size, shuffle=True, seed=seed + epoch)
        loss_sum = torch.zeros((), device=dev)
        correct = torch.zeros((), device=dev)
        l1: dict[str, torch.Tensor] = {}
        for X, y in zip(x_batches, y_batches):
            xb = torch.as_tensor(X, dtype=torch.float32, device=dev)
            yb = torch.as_tensor(y, dtype=torch.int64, device=dev)
            optimizer.zero_grad()
            logits = model(xb)
            loss = loss_fn(logits, yb)
            optimizer.step()
            loss.backward()
            if epoch == 0:
                for name, p in model.named_parameters():
                    if p.grad is not None:
                        l1[name] = l1.get(name, 0.0) + p.grad.detach().abs().sum()
            loss_sum += loss.detach() * len(yb)
            correct += (logits.detach().argmax(dim=1) == yb).sum()
            bar.update(1)
        if epoch == 0:
            history.grad_l1 = {name: float(total) / len(x_batches) for name, total in l1.items()}
        history.train_loss.append(float(loss_sum) / len(X_train))
        history.train_acc.append(float(correct) / len(X_train))
        logits = _eval_outputs(model, X_val, batch_size, dev)
        yv = torch.as_tensor(y_val, dtype=torch.int64, device=dev)
        history.val_loss.append(float(loss_fn(logits, yv)))
        history.val_acc.append(float((logits.argmax(dim=1) == yv).float().mean()))
        bar.set_postfix(loss=f"{history.train_loss[-1]:.4f}", val_acc=f"{history.val_acc[-1]:.3f}")
    bar.close()
    return history
