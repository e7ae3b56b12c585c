"""Retention and erasure on PostgreSQL: the same commands as on SQLite (`python -m bot purge`
and `forget`, with DB_HOST set as for the scale profile), on conversations that Rasa's own
SQLTrackerStore wrote into a throwaway PostgreSQL cluster."""

import time

import psycopg2

from tests.scale.test_scale_out import DB_NAME, DB_PASSWORD, DB_USER
from tests.stored import DAY, cli, conversations, request


def test_purge_and_forget_on_postgresql(postgres, rasa_store, postgres_env, tmp_path):
    env = postgres_env
    store = rasa_store()
    conversations(
        None,
        {
            "oud": [(120, "hallo", {})],
            "lopend": [(100, "hoi", {}), (3, "en nu?", {})],
            "jan": [(2, "jan@bakker.nl", {"email": "jan@bakker.nl"})],
        },
        store,
    )
    request(tmp_path, "jan", "Jan", "jan@bakker.nl", None)

    def senders():
        with psycopg2.connect(
            host="127.0.0.1", port=postgres.port, dbname=DB_NAME, user=DB_USER, password=DB_PASSWORD
        ) as db, db.cursor() as cursor:
            cursor.execute("SELECT sender_id, timestamp FROM events")
            return cursor.fetchall()

    purged = cli("purge", "--var-dir", str(tmp_path), env=env)
    assert purged.returncode == 0, purged.stderr
    assert "Verwijderd: 4 gebeurtenissen uit gesprekken" in purged.stdout, purged.stdout
    assert sorted({s for s, _ in senders()}) == ["jan", "lopend"]
    assert all(stamp >= time.time() - 90 * DAY for _, stamp in senders())

    erased = cli("forget", "jan@bakker.nl", "--var-dir", str(tmp_path), env=env)
    assert erased.returncode == 0, erased.stderr
    assert "gesprekken: 1 (3 gebeurtenissen)" in erased.stdout and "nummers 1" in erased.stdout
    assert {s for s, _ in senders()} == {"lopend"}
