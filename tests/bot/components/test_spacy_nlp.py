"""The spaCy model component (bot/components/spacy_nlp.py, named in config.yml): Rasa's SpacyNLP with
the model loaded once per process (once a change to Rasa's `SpacyNLP.load_model`), in the graph
where Rasa's would be."""

from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parents[3]


def test_the_spacy_model_is_loaded_once_and_is_in_the_graph_where_rasas_is():
    from rasa.engine.recipes.default_recipe import DefaultV1Recipe
    from rasa.nlu.utils import spacy_utils

    from bot.components.spacy_nlp import SpacyNLP

    first = SpacyNLP.load_model("build/spacy_nl")
    assert SpacyNLP.load_model("build/spacy_nl") is first
    assert [t.text for t in first.model("de secretaresses plannen")] == ["de", "secretaresses", "plannen"]
    rasas = vars(spacy_utils.SpacyNLP)["load_model"].__func__
    assert rasas.__module__ == "rasa.nlu.utils.spacy_utils"  # Rasa's own, untouched

    config = yaml.safe_load((PROJECT / "config.yml").read_text(encoding="utf-8"))
    graphs = DefaultV1Recipe().graph_config_for_recipe(config, {})
    nodes = graphs.predict_schema.nodes
    spacy_nodes = sorted(name for name, node in nodes.items() if issubclass(node.uses, spacy_utils.SpacyNLP))
    name = "bot.components.spacy_nlp.SpacyNLP0"
    assert spacy_nodes == [f"provide_{name}", f"run_{name}"]  # Rasa's two nodes, both ours
    assert {nodes[node].uses for node in spacy_nodes} == {SpacyNLP}
    assert nodes[f"run_{name}"].needs["model"] == f"provide_{name}"  # found by the class name SpacyNLP
