"""Every test of the actions has stores of its own, never those in var/: the unanswered questions
(`log_db`), the requests and the live handoff (nobody is available in a fresh handoff store)."""

import pytest


@pytest.fixture(autouse=True)
def log_db(tmp_path, monkeypatch):
    monkeypatch.setenv("LEADS_DB", str(tmp_path / "leads.db"))
    monkeypatch.setenv("HANDOFF_DB", str(tmp_path / "handoff.db"))
    path = tmp_path / "unanswered.db"
    monkeypatch.setenv("UNANSWERED_DB", str(path))
    return path
