"""The hidden test suite. Its helpers module gets pytest's assertion rewriting, as the test files do."""
import pytest

pytest.register_assert_rewrite("tests.hidden.helpers")
