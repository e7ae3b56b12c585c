"""The model's own components, named in config.yml: Dutch lemmas, the intent classifier, the turn
guard policy. May import bot.paths only (they run inside training and the Rasa server)."""
