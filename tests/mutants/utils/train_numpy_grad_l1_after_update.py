"""train_numpy reading grad_l1 after optimizer.update(model), which may have changed the gradients (regularization)."""
TARGET = "utils/train.py"
REPLACE = [("            loss, acc = model.forward(X, y, mode=\"train\")\n"
            "            if epoch == 0:\n",
            "            loss, acc = model.forward(X, y, mode=\"train\")\n"
            "            optimizer.update(model)\n"
            "            if epoch == 0:\n"),
           ("                    l1[key] = l1.get(key, 0.0) + float(np.sum(np.abs(grad)))\n"
            "            optimizer.update(model)\n",
            "                    l1[key] = l1.get(key, 0.0) + float(np.sum(np.abs(grad)))\n")]
