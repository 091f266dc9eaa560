"""Grading one submission into Gradescope's results.json (``pipeline.py`` reads as the summary of the stage).

intake (unpack safely) -> static checks (``grader.submission.static``) -> the
suites in grading mode (``plugin.py``, ``recorder.py``, ``messages.py``, through
``runner.py`` into the sandbox) -> the graded training runs (``runs.py``, with
the grader's own ``datasets.py``) -> ``results.py`` (written once, validated)
and ``summary.py``. The rubric (``rubric.py``) says what counts.
"""
