"""The SQLite stores the actions write and the back office reads: vacancy requests and callbacks
(leads), unanswered questions, the live handoff, how long each is kept (privacy). Their public
functions are what actions/ may use; they import only actions' knowledge, language and vacancy."""
