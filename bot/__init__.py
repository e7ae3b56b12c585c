"""The web side of the assistant: the launcher (and, later, the chat widget's channel)."""
