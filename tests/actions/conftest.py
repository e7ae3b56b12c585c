"""Every test of the actions logs unanswered questions into a file of its own, never into var/."""

import pytest


@pytest.fixture(autouse=True)
def log_db(tmp_path, monkeypatch):
    path = tmp_path / "unanswered.db"
    monkeypatch.setenv("UNANSWERED_DB", str(path))
    return path
