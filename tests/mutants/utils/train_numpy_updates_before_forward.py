"""train_numpy calls optimizer.update before the forward pass, so each step uses the previous batch's gradients."""
TARGET = "utils/train.py"


def train_numpy(model, optimizer, data, epochs, batch_size, seed=0):
    X_train, y_train, X_val, y_val = data
    history = History()
    for epoch in range(epochs):
        x_batches, y_batches = generate_batched_data(X_train, y_train, batch_size, shuffle=True, seed=seed + epoch)
        loss_sum = acc_sum = 0.0
        l1 = {}
        for X, y in zip(x_batches, y_batches):
            optimizer.update(model)
            loss, acc = model.forward(X, y, mode="train")
            if epoch == 0:
                for key, grad in model.gradients.items():
                    l1[key] = l1.get(key, 0.0) + float(np.sum(np.abs(grad)))
            loss_sum += float(loss) * len(y)
            acc_sum += float(acc) * len(y)
        if epoch == 0:
            history.grad_l1 = {key: total / len(x_batches) for key, total in l1.items()}
        history.train_loss.append(loss_sum / len(y_train))
        history.train_acc.append(acc_sum / len(y_train))
        val_loss, val_acc = model.forward(X_val, y_val, mode="valid")
        history.val_loss.append(float(val_loss))
        history.val_acc.append(float(val_acc))
    return history
