"""`make audit` (bot/tools/audit.py) with a stand-in for pip-audit."""

import sys

import pytest

from bot.tools import audit

FAKE_PIP_AUDIT = """#!{python}
import json, os, sys
args = sys.argv[1:]
mode = os.environ["FAKE_AUDIT"]
if mode == "offline":
    sys.stderr.write("requests.exceptions.ConnectionError: NameResolutionError('api.osv.dev')\\n")
    sys.exit(1)
names = [line.split("==")[0] for line in open(args[args.index("-r") + 1]) if line.strip()]
deps = []
for name in names:
    dep = {{"name": name, "version": "1"}}
    if mode == "skip-all" or (mode == "skip-one" and name == names[0]):
        dep["skip_reason"] = "Dependency not found on PyPI and could not be audited"
    else:
        dep["vulns"] = []
        if name.lower() == "aiohttp" and mode in ("known", "new"):
            dep["vulns"].append({{"id": "GHSA-8495-4g3g-x7pr", "aliases": ["CVE-2024-52304"],
                                  "fix_versions": ["3.10.11"]}})
        if name.lower() == "requests" and mode == "new":
            dep["vulns"].append({{"id": "PYSEC-2099-1", "aliases": [], "fix_versions": ["9.9"]}})
    deps.append(dep)
open(args[args.index("-o") + 1], "w").write(json.dumps({{"dependencies": deps, "fixes": []}}))
sys.exit(1 if any(d.get("vulns") for d in deps) else 0)
"""


@pytest.fixture
def fake_pip_audit(tmp_path, monkeypatch):
    script = tmp_path / "pip-audit"
    script.write_text(FAKE_PIP_AUDIT.format(python=sys.executable))
    script.chmod(0o755)
    monkeypatch.setenv("AUDIT_SERVICE", "osv,pypi")
    return str(script)


@pytest.mark.parametrize(
    "mode, status, says",
    [
        ("clean", 0, "[audit] OK"),
        ("known", 0, "behandeld / handled"),  # CVE-2024-52304 is in docs/security.md
        ("new", 1, "NIEUW / NEW          requests"),
        ("skip-one", 2, "NIET gecontroleerd / NOT audited"),
        ("skip-all", 2, "geen kwetsbaarhedendatabase bereikbaar"),
        ("offline", 2, "niet bereikbaar / unreachable"),
    ],
)
def test_make_audit_fails_unless_everything_was_audited_and_handled(
    fake_pip_audit, monkeypatch, capsys, mode, status, says
):
    monkeypatch.setenv("FAKE_AUDIT", mode)
    assert audit.main(["--pip-audit", fake_pip_audit]) == status
    assert says in capsys.readouterr().out


def test_the_audit_reads_every_pin_once_and_the_handled_ids_from_the_doc():
    pinned = audit.pins()
    assert pinned["rasa"] == ("rasa", "3.6.21") and pinned["pytest"][1]
    assert "setuptools" in pinned  # from .venv: pip freeze leaves it out
    handled = audit.accepted()
    assert "CVE-2024-52304" in handled and all(k.startswith(("CVE-", "GHSA-", "PYSEC-")) for k in handled)
