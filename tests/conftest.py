"""Test-wide settings.

BLAS runs single-threaded in the tests: the networks here are small, so threads buy nothing and on a
shared 2-core machine they make small matrix products many times slower. Results do not depend on
it (every test compares values, never times).

Hypothesis draws its examples from a fixed seed, so a run is reproducible (CI fails or passes the
same way every time) and never waits on a deadline.
"""

import pytest
from hypothesis import settings
from threadpoolctl import threadpool_limits

settings.register_profile("neuralab", derandomize=True, database=None, deadline=None)
settings.load_profile("neuralab")


@pytest.fixture(autouse=True, scope="session")
def single_threaded_blas():
    with threadpool_limits(limits=1, user_api="blas"):
        yield
