"""Training from configs: the registry of models, optimizers and datasets, config checks, the fit loop, reports.

``python -m grader train CONFIG`` (``report.py``) and the graded runs of the
grader both go through ``fit.py``.
"""
