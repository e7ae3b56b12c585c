"""A throwaway PostgreSQL cluster per module, and the scale profile's environment for it."""

import pytest

from tests.scale.test_scale_out import DB_NAME, DB_PASSWORD, DB_USER, Postgres, install_when_missing


@pytest.fixture(scope="module")
def postgres():
    install_when_missing()
    cluster = Postgres()
    try:
        yield cluster.start()
    finally:
        cluster.stop()


@pytest.fixture
def postgres_env(postgres):
    """What `python -m bot` reads to use the cluster (DB_HOST selects the scale profile)."""
    return {
        "DB_HOST": "127.0.0.1",
        "DB_PORT": str(postgres.port),
        "DB_NAME": DB_NAME,
        "DB_USER": DB_USER,
        "DB_PASSWORD": DB_PASSWORD,
    }


@pytest.fixture
def rasa_store(postgres):
    """Makes Rasa's own SQLTrackerStore on the cluster (its tables appear when it is made)."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain

    return lambda: SQLTrackerStore(
        Domain.empty(),
        dialect="postgresql",
        host="127.0.0.1",
        port=postgres.port,
        db=DB_NAME,
        username=DB_USER,
        password=DB_PASSWORD,
    )
