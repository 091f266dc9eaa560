"""The instructor's tools, never shipped: the single source, builds and their templates, mutants, bench, demo."""
