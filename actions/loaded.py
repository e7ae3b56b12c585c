"""The knowledge file, loaded once when the action server starts, and the indexes built on it.

A broken file stops the action server with the path and the key that is wrong
(see actions/knowledge.py).
"""

from actions import knowledge as kb
from actions.direct import FactFinder
from actions.search import KnowledgeSearch

KNOWLEDGE = kb.load()
SEARCH = KnowledgeSearch(KNOWLEDGE)  # whole sections, for a question the NLU was unsure of
FACTS = FactFinder(KNOWLEDGE)  # single facts, for yes/no, "who" and "which" questions
INTENT_TO_ASPECT = KNOWLEDGE.intent_to_aspect
