"""Evaluation tests use the shared model fixtures of tests/servers.py (registered by
tests/conftest.py): the bundled model over real HTTP and the stub endpoint for faults."""
