"""Rasa SDK custom actions; the knowledge file is read by actions/knowledge.py."""
