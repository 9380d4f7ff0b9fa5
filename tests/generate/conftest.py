"""Generation runs against the eval fixtures: the bundled model over real HTTP and the stub."""

from tests.evals.conftest import model_server, stub, stub_server

__all__ = ["model_server", "stub", "stub_server"]
