"""`make audit`: the pinned dependencies against a vulnerability database, with pip-audit.

    python bot/tools/audit.py --pip-audit build/audit-venv/bin/pip-audit

Audits every pin of requirements.txt, requirements-dev.txt and constraints.txt (plus pip,
setuptools and wheel as installed in .venv, which a `pip freeze` leaves out), without
installing anything (`--no-deps --disable-pip`). The services are tried in the order of
AUDIT_SERVICE (default "osv,pypi"); AUDIT_OSV_URL points pip-audit at an OSV mirror.

A finding that is listed in the `audit-accepted` block of docs/security.md (its PYSEC, GHSA or
CVE id, with the reason there) is reported as handled; any other one fails the audit.

Exit status: 0 everything audited, no unhandled finding; 1 unhandled findings; 2 the
vulnerability database could not be reached, or some packages could not be audited. pip-audit
itself says "No known vulnerabilities found" even when it could audit nothing: this script
does not.

Standard library only: it runs in pip-audit's own virtual environment.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Dict, List, Optional, Set, Tuple

PROJECT = Path(__file__).resolve().parents[2]
PIN_FILES = ["requirements.txt", "requirements-dev.txt", "constraints.txt"]
SECURITY_DOC = PROJECT / "docs" / "security.md"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==([^\s;#]+)")
UNREACHABLE = (
    "NameResolutionError",
    "ConnectionError",
    "Max retries exceeded",
    "timed out",
    "Temporary failure in name resolution",
    "ConnectTimeout",
    "ReadTimeout",
    "SSLError",
)


def say(message: str = "") -> None:
    print(message, flush=True)


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(project: Path = PROJECT) -> Dict[str, Tuple[str, str]]:
    """normalized name -> (name, version) of every pin; two different pins of one package stop."""
    found: Dict[str, Tuple[str, str, str]] = {}
    for filename in PIN_FILES:
        for line in (project / filename).read_text().splitlines():
            match = PIN.match(line.strip())
            if not match:
                continue
            name, version = match.group(1), match.group(3)
            key = normalize(name)
            if key in found and found[key][1] != version:
                raise SystemExit(
                    f"{name} is twee keer vastgepind met verschillende versies: "
                    f"{found[key][1]} ({found[key][2]}) en {version} ({filename})."
                )
            found.setdefault(key, (name, version, filename))
    for dist_info in sorted(project.glob(".venv/lib/python*/site-packages/*.dist-info")):
        name, _, version = dist_info.name[: -len(".dist-info")].partition("-")
        if normalize(name) in ("pip", "setuptools", "wheel"):
            found.setdefault(normalize(name), (name, version, ".venv"))
    return {key: (name, version) for key, (name, version, _) in found.items()}


def accepted(doc: Path = SECURITY_DOC) -> Dict[str, str]:
    """Vulnerability id -> "package: reason", from the ```audit-accepted block of the doc."""
    result: Dict[str, str] = {}
    inside = False
    for line in doc.read_text(encoding="utf-8").splitlines() if doc.exists() else []:
        if line.strip().startswith("```"):
            inside = line.strip() == "```audit-accepted"
            continue
        if inside and line.strip() and not line.lstrip().startswith("#"):
            vuln_id, _, rest = line.strip().partition(" ")
            result[vuln_id.upper()] = rest.strip()
    return result


def run_pip_audit(
    pip_audit: str, requirements: Path, service: str, out: Path, timeout: int
) -> Tuple[Optional[dict], str]:
    """pip-audit's JSON report, or None and why not."""
    command = [
        pip_audit,
        "-r",
        str(requirements),
        "--no-deps",
        "--disable-pip",
        "-s",
        service,
        "-f",
        "json",
        "-o",
        str(out),
        "--progress-spinner",
        "off",
        "--timeout",
        str(timeout),
        "--desc",
        "off",
        "--aliases",
        "on",
    ]
    if service == "osv" and os.environ.get("AUDIT_OSV_URL"):
        command += ["--osv-url", os.environ["AUDIT_OSV_URL"]]
    out.unlink(missing_ok=True)
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=30 * 60)
    except subprocess.TimeoutExpired:
        return None, "geen antwoord binnen 30 minuten / no answer within 30 minutes"
    errors = result.stderr.strip().splitlines()
    if result.returncode not in (0, 1) or not out.exists():
        last = next((line for line in reversed(errors) if line.strip()), f"exit status {result.returncode}")
        if any(marker in result.stderr for marker in UNREACHABLE):
            return None, f"niet bereikbaar / unreachable ({last.strip()[:200]})"
        return None, f"pip-audit faalde / failed: {last.strip()[:300]}"
    return json.loads(out.read_text()), ""


def report(data: dict, accepted_ids: Dict[str, str]) -> Tuple[int, int, List[str]]:
    """(unhandled findings, handled findings, names that could not be audited); prints them."""
    unhandled = handled = 0
    skipped = [d["name"] for d in data.get("dependencies", []) if d.get("skip_reason")]
    for dep in data.get("dependencies", []):
        for vuln in dep.get("vulns", []):
            ids: Set[str] = {vuln["id"].upper(), *(a.upper() for a in vuln.get("aliases", []))}
            known = sorted(ids & set(accepted_ids))
            fixes = ", ".join(vuln.get("fix_versions", [])) or "geen / none"
            aliases = ", ".join(sorted(ids - {vuln["id"].upper()})) or "-"
            line = f"{dep['name']} {dep['version']}: {vuln['id']} ({aliases}); fix: {fixes}"
            if known:
                handled += 1
                say(f"  behandeld / handled  {line}\n      -> {accepted_ids[known[0]]}")
            else:
                unhandled += 1
                say(f"  NIEUW / NEW          {line}")
    return unhandled, handled, skipped


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pip-audit", default="pip-audit", help="the pip-audit executable")
    args = parser.parse_args(argv)
    services = [s.strip() for s in os.environ.get("AUDIT_SERVICE", "osv,pypi").split(",") if s.strip()]
    timeout = int(os.environ.get("AUDIT_TIMEOUT", "20"))
    pinned = pins()
    accepted_ids = accepted()
    say(
        f"[audit] {len(pinned)} vastgepinde pakketten / pinned packages "
        f"({', '.join(PIN_FILES)} + pip/setuptools/wheel of .venv); "
        f"{len(accepted_ids)} behandelde bevindingen in / handled findings in docs/security.md"
    )
    with tempfile.TemporaryDirectory() as tmp:
        requirements = Path(tmp) / "pinned.txt"
        requirements.write_text("".join(f"{name}=={version}\n" for name, version in sorted(pinned.values())))
        problems = []
        for service in services:
            say(f"[audit] vulnerability service: {service} ...")
            data, why = run_pip_audit(
                args.pip_audit, requirements, service, Path(tmp) / "report.json", timeout
            )
            if data is None:
                problems.append(f"{service}: {why}")
                say(f"[audit]   {why}")
                continue
            audited = len(data.get("dependencies", []))
            skipped = [d for d in data.get("dependencies", []) if d.get("skip_reason")]
            if audited and len(skipped) == audited:
                why = f"kon geen enkel pakket controleren / could not audit any package ({skipped[0]['skip_reason']})"
                problems.append(f"{service}: {why}")
                say(f"[audit]   {why}")
                continue
            unhandled, handled, skipped_names = report(data, accepted_ids)
            say(
                f"[audit] {service}: {audited - len(skipped_names)} van/of {audited} gecontroleerd / audited; "
                f"{handled} behandeld / handled, {unhandled} nieuw / new"
            )
            if skipped_names:
                say(f"[audit] NIET gecontroleerd / NOT audited: {', '.join(skipped_names)}")
            if unhandled:
                say(
                    "[audit] MISLUKT: nieuwe kwetsbaarheden. Werk bij binnen Rasa 3.6.21's grenzen, of leg in "
                    "docs/security.md uit waarom ze hier niet gelden (en zet het id in het audit-accepted-blok).\n"
                    "[audit] FAILED: new vulnerabilities. Upgrade within Rasa 3.6.21's constraints, or explain in "
                    "docs/security.md why they do not apply (and add the id to the audit-accepted block)."
                )
                return 1
            if skipped_names:
                say("[audit] ONVOLLEDIG / INCOMPLETE: niet elk pakket kon worden gecontroleerd.")
                return 2
            say("[audit] OK")
            return 0
    say(
        "[audit] MISLUKT: geen kwetsbaarhedendatabase bereikbaar, er is niets gecontroleerd.\n"
        "[audit] FAILED: no vulnerability database could be reached; nothing was audited.\n"
        + "".join(f"          - {p}\n" for p in problems)
        + "[audit] Nodig / needed: https://api.osv.dev (AUDIT_SERVICE=osv, of een OSV-mirror via AUDIT_OSV_URL)\n"
        "        of/or https://pypi.org/pypi/<pakket>/<versie>/json (AUDIT_SERVICE=pypi).\n"
        "        De laatste handmatige beoordeling staat in docs/security.md / "
        "the last manual review is in docs/security.md."
    )
    return 2


if __name__ == "__main__":
    sys.exit(main())
