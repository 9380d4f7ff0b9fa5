"""The web app (FastAPI + Jinja2 + htmx)."""
