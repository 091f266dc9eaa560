"""The kit's grader: single source, test harness, grading, training runs and builds."""
