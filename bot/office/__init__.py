"""The agency's back office: the admin page, staff accounts, conversations and charts, delivery of
requests to the recruiters, retention. May import bot.stores, bot.runtime's web helpers and texts."""
