"""MLP as a ModuleList run in a loop, flattening images with the trailing axes first (a fixed permutation)."""
TARGET = "models/mlp.py"


def _init(self, in_features, hidden_features, out_features, depth, activation="relu", batchnorm=False,
          dropout=0.0, output_activation=None):
    nn.Module.__init__(self)
    if depth < 1:
        raise ValueError("depth must be at least 1")
    self.linears = nn.ModuleList()
    self.between = nn.ModuleList()
    d = in_features
    for i in range(depth):
        last = i == depth - 1
        self.linears.append(nn.Linear(d, out_features if last else hidden_features))
        if not last:
            parts = ([BatchNorm(hidden_features)] if batchnorm else []) + [make_activation(activation)]
            parts += [Dropout(dropout)] if dropout > 0 else []
            self.between.append(nn.Sequential(*parts))
        d = hidden_features
    self.out_act = make_activation(output_activation) if output_activation is not None else None


def _forward(self, x):
    h = x.permute(0, *range(x.dim() - 1, 0, -1)).reshape(x.shape[0], -1)
    for i, linear in enumerate(self.linears):
        h = linear(h)
        if i < len(self.between):
            h = self.between[i](h)
    return h if self.out_act is None else self.out_act(h)


def _res_forward(self, x):
    h = self.linear_in(x.permute(0, *range(x.dim() - 1, 0, -1)).reshape(x.shape[0], -1))
    for block in self.blocks:
        h = block(h)
    if self.norm is not None:
        h = self.norm(h)
    return self.linear_out(h)


MLP.__init__ = _init
MLP.forward = _forward
ResidualMLP.forward = _res_forward
