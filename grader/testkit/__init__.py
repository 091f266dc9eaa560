"""What the suites import: the harness (``impl`` and its runners), checks, plain data, probes, the pytest plugin.

Ships to students with the public tests; grading mode adds the sandboxed runner
of ``grader.grading``.
"""
