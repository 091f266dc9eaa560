"""Models: numpy networks with hand-written backprop, and torch MLPs, residual nets and CNNs."""
