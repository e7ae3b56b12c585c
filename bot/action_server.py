"""The action server: rasa-sdk's own, started without TensorFlow.

The actions use spaCy only for its tokenizer and lemma tables, but spaCy's thinc imports
TensorFlow whenever it is installed (and it is, for Rasa): +360 MB and +3 s per start for
nothing. Marking it as absent makes thinc skip it. Same arguments as `python -m rasa_sdk`.
"""
import sys

sys.modules["tensorflow"] = None  # `import tensorflow` now raises ImportError

from rasa_sdk.__main__ import main  # noqa: E402 - after the line above on purpose

if __name__ == "__main__":
    main()
