"""Command line: `python -m bot run | train | check | leads | purge | forget | admin-user | ...`.

Each command is a subparser whose `handler(args, parser)` does the work; the developer
tools' commands (bench, soak, eval, answers) are declared in bot/tools/cli.py.
"""

import argparse
import os
import sys
from pathlib import Path

from bot.runtime import launcher
from bot.tools import cli as tool_commands

VAR_DIR = launcher.PROJECT / "var"


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return args.handler(args, parser)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="De rol-adviesassistent.")
    commands = parser.add_subparsers(dest="command", required=True)
    add_serving_commands(commands)
    add_data_commands(commands)
    add_admin_commands(commands)
    tool_commands.add_commands(commands)
    return parser


# ---- run, train, check ------------------------------------------------------------------------


def add_serving_commands(commands) -> None:
    run = commands.add_parser("run", help="train als het nodig is en start beide servers")
    run.add_argument("--rasa-port", type=int, default=int(os.environ.get("RASA_PORT", 5005)))
    run.add_argument("--action-port", type=int, default=int(os.environ.get("ACTION_PORT", 5055)))
    run.add_argument(
        "--host",
        default=os.environ.get("RASA_HOST", "127.0.0.1"),
        help="adres waarop de Rasa-server luistert (standaard alleen deze machine)",
    )
    run.add_argument("--var-dir", type=Path, default=VAR_DIR, help="map voor de gespreksdatabase en de logs")
    run.add_argument("--no-train", action="store_true", help="gebruik het bestaande model")
    run.add_argument(
        "--model",
        type=Path,
        default=launcher.MODEL_FILE,
        help="het model dat de server laadt (standaard models/role-advice.tar.gz)",
    )
    run.set_defaults(handler=run_command)

    train = commands.add_parser("train", help="train alleen als data, config of domain veranderd is")
    train.add_argument("--force", action="store_true")
    train.set_defaults(handler=train_command)

    commands.add_parser("check", help="controleer het kennisbestand").set_defaults(handler=check_command)


def run_command(args, parser) -> int:
    if not args.no_train:
        launcher.train_if_needed()
    return launcher.serve(
        args.rasa_port, args.action_port, args.var_dir.resolve(), args.host, args.model.resolve()
    )


def train_command(args, parser) -> int:
    launcher.train_if_needed(force=args.force)
    return 0


def check_command(args, parser) -> int:
    launcher.check_knowledge()
    print("Kennisbestand in orde.")
    return 0


# ---- leads, purge, forget, report -------------------------------------------------------------


def add_data_commands(commands) -> None:
    leads = commands.add_parser("leads", help="opgeslagen vacatureaanvragen als CSV")
    leads.add_argument("--since", help="alleen vanaf deze datum (JJJJ-MM-DD)")
    leads.add_argument("--db", type=Path, default=None, help="standaard var/leads.db")
    leads.add_argument(
        "--retry-failed",
        action="store_true",
        help="geef mislukte bezorgingen een nieuwe reeks pogingen (na het oplossen van de oorzaak)",
    )
    leads.set_defaults(handler=leads_command)

    var_dir_help = "de map van `run --var-dir` (standaard var/); PostgreSQL als DB_HOST gezet is"
    purge = commands.add_parser("purge", help="verwijder wat ouder is dan de bewaartermijn")
    forget = commands.add_parser(
        "forget", help="wis de gegevens van één persoon (e-mailadres of telefoonnummer)"
    )
    forget.add_argument(
        "contact", help="e-mailadres of telefoonnummer, bijvoorbeeld jan@bakker.nl of 0612345678"
    )
    for command in (purge, forget):
        command.add_argument("--var-dir", type=Path, default=VAR_DIR, help=var_dir_help)
        command.add_argument("--dry-run", action="store_true", help="laat alleen zien wat weg zou gaan")
        command.set_defaults(handler=retention_command)

    report = commands.add_parser("report", help="onbeantwoorde vragen, meest gestelde eerst")
    report.add_argument("--db", type=Path, default=None, help="standaard var/unanswered.db")
    report.set_defaults(handler=report_command)


def leads_command(args, parser) -> int:
    from datetime import date

    from bot.stores import leads

    if args.since:
        try:
            date.fromisoformat(args.since)
        except ValueError:
            parser.error(f"--since verwacht een datum als 2027-03-01, niet {args.since!r}")
    if args.retry_failed:
        print(
            f"{leads.retry_failed(args.db)} mislukte bezorging(en) staan weer klaar; de actieserver "
            "verstuurt ze."
        )
        return 0
    sys.stdout.write(leads.export_csv(args.since, args.db))
    failed = [row["id"] for row in leads.export_rows(None, args.db) if row["delivery_state"] == "failed"]
    if failed:  # loud, on stderr, so that the CSV itself stays clean
        sys.stderr.write(
            f"LET OP: {len(failed)} {'aanvraag is' if len(failed) == 1 else 'aanvragen zijn'} "
            f"NIET bezorgd (nummers {', '.join(map(str, failed))}); zie last_error. Na het "
            "oplossen: python -m bot leads --retry-failed\n"
        )
    return 0


def retention_command(args, parser) -> int:
    from bot.office import retention

    stores = retention.Stores.from_env(launcher.base_env(var_dir=args.var_dir.resolve()))
    try:  # a wrong RETENTION_*_DAYS, or no e-mail address or phone number
        if args.command == "purge":
            print(retention.purge_report(retention.purge(stores, args.dry_run), args.dry_run))
            return 0
        found = retention.forget(stores, args.contact, args.dry_run)
    except ValueError as error:
        parser.error(str(error))
    print(retention.forget_report(args.contact, found, args.dry_run))
    return 0


def report_command(args, parser) -> int:
    from bot.stores import unanswered

    print(unanswered.report(args.db))
    return 0


# ---- admin-user, admin-log --------------------------------------------------------------------


def add_admin_commands(commands) -> None:
    admin_dir_help = "de map van `run --var-dir` (standaard var/); het account staat in admin.db daarin"
    admin_user = commands.add_parser(
        "admin-user",
        help="maak een account voor de beheerpagina /admin/, " "of geef het een nieuw wachtwoord",
    )
    admin_user.add_argument("name", help="de naam waarmee je inlogt, bijvoorbeeld anna")
    admin_user.add_argument(
        "--password-stdin",
        action="store_true",
        help="lees het wachtwoord van standaardinvoer (de eerste regel) in plaats van het te vragen",
    )
    admin_user.add_argument("--remove", action="store_true", help="verwijder het account")
    admin_log = commands.add_parser(
        "admin-log", help="de laatste handelingen op de beheerpagina: wie, wat, wanneer"
    )
    admin_log.add_argument("--limit", type=int, default=50)
    for command in (admin_user, admin_log):
        command.add_argument("--var-dir", type=Path, default=VAR_DIR, help=admin_dir_help)
        command.set_defaults(handler=admin_command)


def admin_command(args, parser) -> int:
    import getpass

    from bot.office import admin_db

    path = args.var_dir.resolve() / "admin.db"
    if args.command == "admin-log":
        for at, name, address, action, detail in admin_db.recent(args.limit, path):
            print(f"{at}  {name:<16} {address:<15} {action}" + (f": {detail}" if detail else ""))
        return 0
    wrong = admin_db.problem_with(args.name)
    if wrong:
        parser.error(wrong)
    if args.remove:
        if not admin_db.remove(args.name, path):
            print(f"Er is geen account {args.name}.", file=sys.stderr)
            return 1
        print(f"Account {args.name} verwijderd; de sessies ervan zijn beëindigd.")
        return 0
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(f"Wachtwoord voor {args.name} (minstens {admin_db.MIN_PASSWORD} tekens): ")
        if password != getpass.getpass("Nog een keer: "):
            print("De twee wachtwoorden zijn niet gelijk; er is niets veranderd.", file=sys.stderr)
            return 1
    try:
        new = admin_db.set_password(args.name, password, path)
    except ValueError as error:
        print(f"{error} Er is niets veranderd.", file=sys.stderr)
        return 1
    print(
        f"Account {args.name} {'aangemaakt' if new else 'heeft een nieuw wachtwoord; de sessies ervan zijn beëindigd'}"
        f" ({path}). Inloggen: http://localhost:{os.environ.get('RASA_PORT', 5005)}/admin/"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
