"""Tests of the web app: pages, JSON API, sanitising, lineage drawing, a real browser."""
