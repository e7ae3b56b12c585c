"""The Rasa server's runtime: channels, the launcher, the changes to Rasa, the tracker cache and
store, locks and rate limits. May import bot.paths, bot.components, bot.stores and bot.office."""
