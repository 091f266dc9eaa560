"""Probes: the only code that runs the implementation under test.

A probe is a module-level function that takes plain data, runs student code on
it, and returns plain data. It never sees an expected value or a tolerance, and
it never decides pass or fail: the test that called it does.
"""
