"""Layers: numpy forward/backward pairs and torch modules built from tensor arithmetic."""
