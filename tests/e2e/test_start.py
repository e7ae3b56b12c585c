"""A normal start logs no ERROR, on a new var dir and on an existing one (issue 22), and says
once, on the launcher's output, that requests are not e-mailed when that is not set up."""

from tests.e2e.assistant import Assistant


def error_lines(var_dir):
    return [
        line
        for log in sorted((var_dir / "logs").glob("*.log"))
        for line in log.read_text(errors="replace").splitlines()
        if " ERROR " in line
    ]


def test_two_starts_log_no_error(tmp_path):
    var_dir = tmp_path / "var"
    env = {"LEADS_EMAIL_TO": "", "SANIC_WORKERS": "2"}  # two workers create the store at once
    for _ in range(2):  # a new tracker.db, then the existing one
        running = Assistant(var_dir, env).start()
        assert running.ask("start-check", "wat doet een secretaresse?")
        assert running.stop() == 0
        assert error_lines(var_dir) == []
    launcher = (var_dir / "launcher.log").read_text()
    assert launcher.count("Let op: Aanvragen worden niet gemaild: de e-mail is niet ingesteld") == 2
