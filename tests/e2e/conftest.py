"""One running assistant per test module, with its own var dir (tracker, logs, leads)."""

import pytest

from tests.e2e.assistant import Assistant


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("var")


@pytest.fixture(scope="module")
def assistant(var_dir):
    running = Assistant(var_dir).start()
    yield running
    if running.running():
        running.stop()
