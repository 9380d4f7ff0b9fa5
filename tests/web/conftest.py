"""A real Mentor server on a loopback port, over a demo workspace, for the web tests."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn

import mentor
from mentor.demo import seed_demo
from mentor.web.app import create_app

from .payloads import write_xss_file


@pytest.fixture(scope="session")
def workspace_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite workspace holding the demo datasets plus `xss-payloads` (no datasheet)."""
    folder = tmp_path_factory.mktemp("web-workspace")
    url = f"sqlite:///{folder / 'mentor.db'}"
    with mentor.connect(url) as ws:
        seed_demo(ws, folder / "exports")
        ws.import_file(
            write_xss_file(folder),
            "xss-payloads",
            description="<script>window.__xss = 1</script> payloads",
        )
    return url


@pytest.fixture(scope="session")
def server(workspace_url: str) -> Iterator[str]:
    """The app under uvicorn in a background thread; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))  # the OS picks a free port; uvicorn serves this very socket
    port = sock.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(workspace_url), log_level="warning"))
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the Mentor web server did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's chromium (never a downloaded browser); `make test` installs it."""
    path = shutil.which("chromium")
    if path is None:
        pytest.fail("chromium is not installed: run the tests with `make test`")
    return path
