"""Dutch lemmas for the NLU and the actions, from a table of 4 MB instead of 87.

spaCy's lookup lemmatizer keeps the 213,000 Dutch words of `spacy-lookups-data` as a Python
dict: 87 MB and 1.3 s to load in every process that reads Dutch (each Rasa worker and the
action server). Here the same table is a few arrays (`build/lemmas_nl.npz`, made by
`make setup`): the words' keys sorted, for each the number of its lemma, and the lemmas one
after the other in one string. The keys are
spaCy's own 64-bit string hashes, so every word gets exactly the lemma spaCy gave it.

The NLU uses it through the Rasa component `bot.components.lemma_component.DutchLemmas` (config.yml),
the actions through `actions/search.py`; neither loads spaCy's own lemmatizer.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Optional

import numpy as np
from spacy.strings import get_string_id

from bot.paths import LEMMA_TABLE as TABLE  # (where `make setup` builds it)


class LemmaTable:
    def __init__(self, path: Path = TABLE) -> None:
        with np.load(path, allow_pickle=False) as arrays:
            self.keys = arrays["keys"]  # uint64, sorted: spaCy's hash of each word
            self.lemma_of_key = arrays["lemma"]  # uint32: index of the word's lemma
            self.ends = arrays["ends"]  # uint32: where each lemma ends in `text`
            self.text = str(arrays["text"])  # every distinct lemma, one after the other

    def lemma(self, word: str) -> str:
        """As spaCy's Dutch lookup lemmatizer: the table's lemma of the lowercased word, or the
        lowercased word itself ("notuleert" → "notuleren", "xyz" → "xyz")."""
        lower = word.lower()
        key = np.uint64(get_string_id(lower))
        at = int(np.searchsorted(self.keys, key))
        if at == len(self.keys) or self.keys[at] != key:
            return lower
        index = int(self.lemma_of_key[at])
        return self.text[(self.ends[index - 1] if index else 0) : self.ends[index]]

    def knows(self, word: str) -> bool:
        """Whether the word, lowercased, is a Dutch word form of the table ("secretariële")."""
        key = np.uint64(get_string_id(word.lower()))
        at = int(np.searchsorted(self.keys, key))
        return at < len(self.keys) and self.keys[at] == key

    @staticmethod
    def build(path: Path = TABLE) -> Path:
        """Write the table from spacy-lookups-data's Dutch `lemma_lookup`."""
        from spacy.lookups import load_lookups

        table = load_lookups("nl", ["lemma_lookup"]).get_table("lemma_lookup")
        keys = np.array(sorted(table.keys()), dtype=np.uint64)
        lemmas = sorted(set(table.values()))
        index = {lemma: i for i, lemma in enumerate(lemmas)}
        lemma_of_key = np.array([index[table[int(key)]] for key in keys], dtype=np.uint32)
        ends = np.cumsum([len(lemma) for lemma in lemmas], dtype=np.uint64).astype(np.uint32)
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(path, keys=keys, lemma=lemma_of_key, ends=ends, text=np.array("".join(lemmas)))
        return path


@lru_cache(maxsize=1)
def table() -> Optional[LemmaTable]:
    """The table of this checkout, or None when `make setup` has not built it yet."""
    return LemmaTable() if TABLE.exists() else None


def required_table() -> LemmaTable:
    """The table, or an error that says how to build it."""
    found = table()
    if found is None:
        raise FileNotFoundError(f"{TABLE} ontbreekt: bouw het met `make setup`.")
    return found


def lemmatize(doc: Iterable[Any]) -> None:
    """Set the lemma of every token of a spaCy document."""
    found = required_table()
    for token in doc:
        token.lemma_ = found.lemma(token.text)
