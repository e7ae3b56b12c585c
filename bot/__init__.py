"""The assistant's own code around Rasa, by concern: runtime (the Rasa server's channels, launcher,
changes, caches, locks), components (the model's NLU and policy components), stores (SQLite data
the actions write), office (the agency's admin page, delivery, retention), tools (commands for
developers). `python -m bot` is the command line."""
