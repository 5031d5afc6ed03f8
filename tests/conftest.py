"""Test-wide settings.

BLAS runs single-threaded in the tests: the networks here are small, so threads buy nothing and on a
shared 2-core machine they make small matrix products many times slower. Results do not depend on
it (every test compares values, never times).
"""

import pytest
from threadpoolctl import threadpool_limits


@pytest.fixture(autouse=True, scope="session")
def single_threaded_blas():
    with threadpool_limits(limits=1, user_api="blas"):
        yield
