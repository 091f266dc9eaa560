"""Utilities: data, initialization, gradient checking, metrics, training loops and plots."""
