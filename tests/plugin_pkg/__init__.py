"""A third-party task type package, as a plug-in author would write one: its module, its own
form and label templates, its form reader and its keyboard map; Mentor's web code knows
nothing of it."""
