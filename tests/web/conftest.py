"""A real Mentor server on a loopback port, over a demo workspace, for the web tests; and
clients signed in as the demo's users (all with the password ``mentor-demo``)."""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx
import pytest
import uvicorn

import mentor
from mentor.demo import seed_demo
from mentor.demo.accounts import PASSWORD
from mentor.web.app import create_app
from mentor.web.wire import Protocol

from .payloads import write_xss_file

_CSRF = re.compile(r'name="csrf_token" value="([^"]*)"')
SignIn = Callable[[str], httpx.Client]


def csrf_of(html: str) -> str:
    """The CSRF token of the first form on a page."""
    found = _CSRF.search(html)
    assert found is not None, "the page has no form with a CSRF token"
    return found.group(1)


def sign_in(client: httpx.Client, name: str, password: str = PASSWORD) -> httpx.Response:
    """Sign `client` in through the real form (GET /login, then POST it with its token)."""
    form = client.get("/login")
    data = {"name": name, "password": password, "csrf_token": csrf_of(form.text)}
    return client.post("/login", data=data, follow_redirects=False)


@pytest.fixture(scope="session")
def workspace_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite workspace holding the demo datasets plus `xss-payloads` (no datasheet)."""
    folder = tmp_path_factory.mktemp("web-workspace")
    url = f"sqlite:///{folder / 'mentor.db'}"
    with mentor.connect(url) as ws:
        seed_demo(ws, folder / "exports", with_evals=False)
        ws.datasets.import_file(
            write_xss_file(folder),
            "xss-payloads",
            description="<script>window.__xss = 1</script> payloads",
        )
    return url


@contextmanager
def serving(url: str) -> Iterator[str]:
    """The app over the workspace at `url` under uvicorn in a background thread, with the HTTP
    protocol `mentor serve` gives it; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))  # the OS picks a free port; uvicorn serves this very socket
    port = sock.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(url), log_level="warning", http=Protocol))
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the Mentor web server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="session")
def server(workspace_url: str) -> Iterator[str]:
    """The app over the shared web-test workspace; yields its base URL."""
    with serving(workspace_url) as base:
        yield base


@pytest.fixture(scope="session")
def signed_in(server: str) -> Iterator[SignIn]:
    """Make an httpx client signed in as a demo user: ``signed_in("vic")``."""
    clients: list[httpx.Client] = []

    def make(name: str) -> httpx.Client:
        client = httpx.Client(base_url=server, timeout=120)
        response = sign_in(client, name)
        assert response.status_code == 303, response.text
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture(scope="session")
def viewer(signed_in: SignIn) -> httpx.Client:
    """A client signed in as vic, the demo's viewer (may read everything, change nothing)."""
    return signed_in("vic")


@pytest.fixture(scope="session")
def api_token(workspace_url: str) -> str:
    """An API token of vic, the demo's viewer."""
    with mentor.connect(workspace_url) as ws:
        return ws.accounts.create_token("vic", "web tests").token


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's chromium (never a downloaded browser); `make test` installs it."""
    path = shutil.which("chromium")
    if path is None:
        pytest.fail("chromium is not installed: run the tests with `make test`")
    return path
