"""BatchNorm updating its running statistics outside torch.no_grad(): the buffers carry the batches' graphs."""
TARGET = "layers/normalization.py"
REPLACE = [("            with torch.no_grad():\n"
            "                self.running_mean.mul_(1 - self.momentum).add_(self.momentum * mean)\n"
            "                self.running_var.mul_(1 - self.momentum)"
            ".add_(self.momentum * var * count / (count - 1))\n",
            "            self.running_mean = (1 - self.momentum) * self.running_mean + self.momentum * mean\n"
            "            self.running_var = ((1 - self.momentum) * self.running_var\n"
            "                                + self.momentum * var * count / (count - 1))\n")]
