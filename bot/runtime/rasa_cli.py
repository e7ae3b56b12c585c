"""`rasa` with the security settings of the HTTP API read from the environment.

The launcher starts the Rasa server as

    python -m bot.runtime.rasa_cli /path/to/.venv/bin/rasa run --model ... --port 5005

and this module runs Rasa in the same process, with our changes to Rasa applied first
(bot/runtime/rasa_changes.py) and, for `run`, these options added:

    RASA_API_TOKEN      -> --enable-api --auth-token <token>  (requests carry ?token=<token>)
    RASA_JWT_SECRET     -> --enable-api --jwt-secret <secret> --jwt-method $RASA_JWT_METHOD
                           (HS256 unless set; requests carry "Authorization: Bearer <jwt>")
    neither             -> no --enable-api: the HTTP API (/model/parse, /conversations/...,
                           /status, ...) does not exist and answers 404
    RASA_CORS_ORIGINS   -> --cors <origin> ... (exact origins separated by commas or spaces;
                           "*" is refused); unset: no CORS headers on Rasa's own routes

The secrets are added here, inside the process, so they never appear on a command line
(which every user of the machine can read with `ps`).
"""

from __future__ import annotations

import logging
import os
import sys
from typing import List, Mapping

logger = logging.getLogger(__name__)

MIN_SECRET = 16
JWT_METHODS = ("HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384", "ES512")


def api_args(env: Mapping[str, str]) -> List[str]:
    """The HTTP API's options: empty (API off) unless a token or a JWT secret is set."""
    token = (env.get("RASA_API_TOKEN") or "").strip()
    secret = (env.get("RASA_JWT_SECRET") or "").strip()
    for name, value in (("RASA_API_TOKEN", token), ("RASA_JWT_SECRET", secret)):
        if value and len(value) < MIN_SECRET:
            raise SystemExit(
                f"{name} is te kort: gebruik minstens {MIN_SECRET} tekens "
                "(bijvoorbeeld: python3 -c 'import secrets; print(secrets.token_urlsafe(32))')."
            )
    if not token and not secret:
        return []
    args = ["--enable-api"]
    if token:
        args += ["--auth-token", token]
    if secret:
        method = (env.get("RASA_JWT_METHOD") or "HS256").strip().upper()
        if method not in JWT_METHODS:
            raise SystemExit(
                f"RASA_JWT_METHOD={method} wordt niet ondersteund; kies uit {', '.join(JWT_METHODS)}."
            )
        args += ["--jwt-secret", secret, "--jwt-method", method]
    return args


def cors_args(env: Mapping[str, str]) -> List[str]:
    """--cors with the configured exact origins, or nothing."""
    from bot.runtime.web import parse_origins  # the widget's rules: exact origins, never "*"

    origins = parse_origins(env.get("RASA_CORS_ORIGINS"), "RASA_CORS_ORIGINS")
    return ["--cors", *origins] if origins else []


def main(argv: List[str]) -> None:
    if len(argv) < 2:
        raise SystemExit("gebruik: python -m bot.runtime.rasa_cli /pad/naar/rasa run|train [opties]")
    from bot.runtime import rasa_changes, tensorflow_stand_in

    missing = tensorflow_stand_in.missing_for(rasa_changes.CONFIG)  # `make setup` leaves TensorFlow out
    if missing:
        raise SystemExit(missing)
    try:
        rasa_changes.apply(os.environ)  # our changes to Rasa, before Rasa is imported elsewhere
    except rasa_changes.RasaChangeError as error:
        raise SystemExit(str(error)) from None  # the launcher shows it with the log's last lines
    server = argv[1:2] == ["run"]  # `rasa train` runs here too: the same model, ~10 s sooner
    sys.argv = [argv[0], *argv[1:], *(api_args(os.environ) + cors_args(os.environ) if server else [])]
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main(sys.argv[1:])
