"""The action server: rasa-sdk's own, started without TensorFlow.

The actions use spaCy only for its tokenizer and lemma tables, but spaCy's thinc imports
TensorFlow whenever it is installed (and it is, for Rasa): +360 MB and +3 s per start for
nothing. Marking it as absent makes thinc skip it. Same arguments as `python -m rasa_sdk`.

Two threads run beside the actions: the delivery of stored vacancy requests to the agency
(bot/office/delivery.py) and the daily purge of data past its retention period (bot/office/retention.py).
"""

import sys

sys.modules["tensorflow"] = None  # type: ignore[assignment]  # `import tensorflow` now raises ImportError

import os  # noqa: E402

from rasa_sdk import utils  # noqa: E402 - after the line above on purpose
from rasa_sdk.__main__ import main_from_args  # noqa: E402
from rasa_sdk.endpoint import create_argument_parser  # noqa: E402

from bot.office import delivery, retention  # noqa: E402
from bot.stores import privacy  # noqa: E402

if __name__ == "__main__":
    args = create_argument_parser().parse_args()
    privacy.retention_days()  # a wrong RETENTION_*_DAYS stops the start, with its name
    utils.configure_colored_logging(args.loglevel)  # before the threads log their first line
    delivery.Worker().start()
    retention.start_daily(retention.Stores.from_env(os.environ))
    main_from_args(args)
