"""Command line: `python -m bot run | train | check`."""
import argparse
import os
import sys
from pathlib import Path

from bot import launcher


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="De rol-adviesassistent.")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="train als het nodig is en start beide servers")
    run.add_argument("--rasa-port", type=int, default=int(os.environ.get("RASA_PORT", 5005)))
    run.add_argument("--action-port", type=int, default=int(os.environ.get("ACTION_PORT", 5055)))
    run.add_argument("--host", default=os.environ.get("RASA_HOST", "127.0.0.1"),
                     help="adres waarop de Rasa-server luistert (standaard alleen deze machine)")
    run.add_argument("--var-dir", type=Path, default=launcher.PROJECT / "var",
                     help="map voor de gespreksdatabase en de logs")
    run.add_argument("--no-train", action="store_true", help="gebruik het bestaande model")
    run.add_argument("--model", type=Path, default=launcher.MODEL_FILE,
                     help="het model dat de server laadt (standaard models/role-advice.tar.gz)")

    train = commands.add_parser("train", help="train alleen als data, config of domain veranderd is")
    train.add_argument("--force", action="store_true")

    commands.add_parser("check", help="controleer het kennisbestand")

    commands.add_parser("bench", help="benchmark: ons tegen stock Rasa (argumenten: --help)", add_help=False)
    commands.add_parser("soak", help="duurtest: 16 gebruikers, 30 minuten (argumenten: --help)", add_help=False)
    commands.add_parser("eval", help="NLU-scores op de achtergehouden vragen, ons tegen stock Rasa")

    leads_cmd = commands.add_parser("leads", help="opgeslagen vacatureaanvragen als CSV")
    leads_cmd.add_argument("--since", help="alleen vanaf deze datum (JJJJ-MM-DD)")
    leads_cmd.add_argument("--db", type=Path, default=None, help="standaard var/leads.db")

    answers = commands.add_parser("answers", help="antwoordkwaliteit end-to-end tegen een draaiende bot")
    answers.add_argument("--url", default="http://localhost:5005")
    answers.add_argument("--cases", type=Path, default=None,
                         help="standaard tests/answer_cases.yml (ook: tests/answer_cases_direct.yml)")

    report = commands.add_parser("report", help="onbeantwoorde vragen, meest gestelde eerst")
    report.add_argument("--db", type=Path, default=None, help="standaard var/unanswered.db")

    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["bench"]:  # the benchmark has its own options
        from bot import bench

        return bench.main(argv[1:])
    if argv[:1] == ["soak"]:  # so has the soak test
        from bot import soak

        return soak.main(argv[1:])
    args = parser.parse_args(argv)
    if args.command == "train":
        launcher.train_if_needed(force=args.force)
        return 0
    if args.command == "check":
        launcher.check_knowledge()
        print("Kennisbestand in orde.")
        return 0
    if args.command == "eval":
        from bot import evaluate

        return evaluate.main()
    if args.command == "leads":
        from datetime import date

        from actions import leads

        if args.since:
            try:
                date.fromisoformat(args.since)
            except ValueError:
                parser.error(f"--since verwacht een datum als 2027-03-01, niet {args.since!r}")
        sys.stdout.write(leads.export_csv(args.since, args.db))
        return 0
    if args.command == "answers":
        from bot import answer_eval

        return answer_eval.main(args.url, args.cases or answer_eval.CASES)
    if args.command == "report":
        from actions import unanswered

        print(unanswered.report(args.db))
        return 0
    if not args.no_train:
        launcher.train_if_needed()
    return launcher.serve(args.rasa_port, args.action_port, args.var_dir.resolve(), args.host,
                          args.model.resolve())


if __name__ == "__main__":
    sys.exit(main())
