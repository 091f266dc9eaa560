"""train_torch reading grad_l1 after optimizer.step(), which may have changed the gradients (weight decay)."""
TARGET = "utils/train.py"
REPLACE = [("            loss.backward()\n            if epoch == 0:\n",
            "            loss.backward()\n            optimizer.step()\n            if epoch == 0:\n"),
           ("                        l1[name] = l1.get(name, 0.0) + p.grad.detach().abs().sum()\n"
            "            optimizer.step()\n",
            "                        l1[name] = l1.get(name, 0.0) + p.grad.detach().abs().sum()\n")]
