"""BatchNorm module taking (N, C, H, W) statistics over N only (per channel and pixel), not over N, H, W."""
TARGET = "layers/normalization.py"
REPLACE = [
    ("            count = x.numel() // x.shape[1]\n", "            count = x.shape[0]\n"),
    ("            mean = x.mean(dim=dims)\n"
     "            var = ((x - mean.reshape(shape)) ** 2).mean(dim=dims)\n"
     "            with torch.no_grad():\n"
     "                self.running_mean.mul_(1 - self.momentum).add_(self.momentum * mean)\n"
     "                self.running_var.mul_(1 - self.momentum).add_(self.momentum * var * count / (count - 1))\n",
     "            mean = x.mean(dim=0, keepdim=True)\n"
     "            var = ((x - mean) ** 2).mean(dim=0, keepdim=True)\n"
     "            with torch.no_grad():\n"
     "                channel_mean = mean.reshape(x.shape[1], -1).mean(dim=1)\n"
     "                channel_var = var.reshape(x.shape[1], -1).mean(dim=1)\n"
     "                self.running_mean.mul_(1 - self.momentum).add_(self.momentum * channel_mean)\n"
     "                self.running_var.mul_(1 - self.momentum).add_(\n"
     "                    self.momentum * channel_var * count / (count - 1))\n"),
    ("            mean, var = self.running_mean, self.running_var\n"
     "        xhat = (x - mean.reshape(shape)) / torch.sqrt(var.reshape(shape) + self.eps)\n",
     "            mean, var = self.running_mean.reshape(shape), self.running_var.reshape(shape)\n"
     "        xhat = (x - mean) / torch.sqrt(var + self.eps)\n"),
]
