"""The tools' `python -m bot` commands: bench, soak, eval, answers. Declared here with
argparse only; a tool's module (and what it imports) loads when its command runs."""

from __future__ import annotations

import argparse
import importlib
from pathlib import Path

from bot.tools import CASES


def positive(kind):
    """An argparse type: a number of `kind` above zero."""

    def parse(text: str):
        value = kind(text)
        if not value > 0:
            raise argparse.ArgumentTypeError(f"moet groter dan 0 zijn, niet {text}")
        return value

    return parse


def run_tool(name: str):
    """A command handler that runs bot.tools.<name>.main(args)."""
    return lambda args, parser: importlib.import_module(f"bot.tools.{name}").main(args)


def soak_command(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if (args.rasa_port is None) != (args.action_port is None):
        parser.error("--rasa-port en --action-port horen bij elkaar: geef beide of geen van beide")
    return run_tool("soak")(args, parser)


def add_commands(commands) -> None:
    """Add the tools' subcommands to the subparsers of `python -m bot`."""
    bench = commands.add_parser("bench", help="benchmark: ons tegen stock Rasa")
    bench.add_argument("--users", default="1,8,32", help="gelijktijdige gebruikers, komma-gescheiden")
    bench.add_argument("--seconds", type=float, default=20, help="duur van elke belastingsronde")
    bench.add_argument("--long", type=int, default=50, help="beurten in het lange gesprek")
    bench.add_argument("--out", type=Path, help="schrijf de tabel ook naar dit bestand")
    bench.add_argument(
        "--smoke",
        action="store_true",
        help="alleen ons bestaande model, zonder training: controleert dat alles werkt",
    )
    bench.set_defaults(handler=run_tool("bench"))

    soak = commands.add_parser(
        "soak",
        help="duurtest: 16 gebruikers, 30 minuten",
        description="Soak test: many visitors for a long time against the real assistant.",
    )
    soak.add_argument("--users", type=positive(int), default=16, help="gelijktijdige gebruikers (16)")
    soak.add_argument("--minutes", type=positive(float), default=30, help="duur in minuten (30)")
    soak.add_argument("--out", type=Path, help="schrijf het verslag ook naar dit bestand")
    soak.add_argument(
        "--rasa-port",
        type=int,
        help="test een assistent die al draait op deze poort "
        "(met --action-port) in plaats van er een te starten",
    )
    soak.add_argument("--action-port", type=int, help="de poort van de actieserver van die assistent")
    soak.set_defaults(handler=soak_command)

    evaluate = commands.add_parser(
        "eval", help="NLU-scores op de achtergehouden vragen, ons tegen stock Rasa"
    )
    evaluate.add_argument(
        "--ours-only",
        action="store_true",
        help="alleen ons model (de stock-pijplijn wordt niet getraind of getest)",
    )
    evaluate.set_defaults(handler=run_tool("evaluate"))

    fuzz = commands.add_parser(
        "fuzz",
        help="willekeurige gesprekken tegen een draaiende bot: vastlopers, "
        "lege antwoorden, excuses, trage beurten",
    )
    fuzz.add_argument("--url", default="http://localhost:5005")
    fuzz.add_argument("--turns", type=positive(int), default=5000, help="berichten in totaal (5000)")
    fuzz.add_argument("--seconds", type=positive(float), default=600, help="hoogstens zo lang (600)")
    fuzz.add_argument("--seed", type=int, default=1)
    fuzz.add_argument("--workers", type=positive(int), default=2, help="gesprekken tegelijk (2)")
    fuzz.add_argument("--max-seconds", type=positive(float), default=2.0, help="trager is een bevinding (2)")
    fuzz.add_argument(
        "--log",
        type=Path,
        default=Path("var/logs/rasa.log"),
        help="het log van de Rasa-server, voor de circuit breaker en lussen",
    )
    fuzz.add_argument("--show", type=int, default=20, help="toon zoveel bevindingen met hun gesprek")
    fuzz.add_argument("--out", type=Path, help="alle bevindingen als JSON in dit bestand")
    fuzz.set_defaults(handler=run_tool("fuzz"))

    answers = commands.add_parser("answers", help="antwoordkwaliteit end-to-end tegen een draaiende bot")
    answers.add_argument("--url", default="http://localhost:5005")
    answers.add_argument(
        "--cases",
        type=Path,
        default=CASES / "answer_cases.yml",
        help="standaard tests/cases/answer_cases.yml (ook: answer_cases_direct.yml daarnaast)",
    )
    answers.add_argument(
        "--floor",
        type=float,
        default=0.0,
        help="exitcode 1 als het aandeel geslaagde gevallen hieronder ligt (bijvoorbeeld 0.9)",
    )
    answers.set_defaults(handler=run_tool("answer_eval"))
