"""Routers: HTML pages (datasets, versions, audit) and the JSON API; each view is one SDK call."""
