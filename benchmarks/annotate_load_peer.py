"""Label Studio for benchmarks/annotate_load.py: its own venv (``make bench-peers``), SQLite, on
loopback, K users with legacy API tokens, one project per measured run.

The open-source edition keeps ``maximum_annotations`` (overlap) on a project and its next-task
stream honours it (breadth first, with task locks); this module sets it to 3 and the benchmark
counts what the database holds afterwards rather than trusting it.
"""

from __future__ import annotations

import gzip
import json
import os
import sqlite3
import subprocess
import textwrap
from pathlib import Path
from typing import Any, Final

import httpx

from benchmarks.annotate_load import (
    OVERLAP,
    Check,
    Config,
    Reply,
    check_counts,
    free_port,
    wait_until_up,
)
from benchmarks.pg_cluster import PgCluster, TreeCpu

VENV: Final = Path(__file__).resolve().parent / ".peers" / "labelstudio-venv"
ADMIN: Final = "admin@bench.local"
ADMIN_TOKEN: Final = "bench-admin-token-0123456789"
PASSWORD: Final = "bench-annotator-pw"
CONFIG: Final = """<View>
  <Text name="a" value="$a"/>
  <Text name="b" value="$b"/>
  <Choices name="choice" toName="a" choice="single" required="true">
    <Choice value="A"/><Choice value="B"/><Choice value="tie"/>
  </Choices>
</View>"""
# Run in Label Studio's venv: add K users to the organisation, print their tokens as JSON.
USERS: Final = textwrap.dedent(
    """
    import json, os, sys
    import label_studio
    sys.path.insert(0, os.path.dirname(label_studio.__file__))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings.label_studio")
    import django
    django.setup()
    from organizations.models import Organization
    from users.models import User
    org = Organization.objects.first()
    tokens = []
    for i in range(int(sys.argv[1])):
        email = f"annotator{i:03d}@bench.local"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=sys.argv[2])
        org.add_user(user)
        user.active_organization = org
        user.save(update_fields=["active_organization"])
        tokens.append(user.auth_token.key)
    print("TOKENS " + json.dumps(tokens))
    """
)


def _tasks(hh: Path, items: int) -> list[dict[str, Any]]:
    """The first `items` HH-RLHF pairs as Label Studio tasks (A = chosen, B = rejected)."""
    out = []
    with gzip.open(hh, "rt", encoding="utf-8") as lines:
        for line in lines:
            pair = json.loads(line)
            out.append({"data": {"a": pair["chosen"], "b": pair["rejected"]}})
            if len(out) == items:
                break
    return out


class LabelStudioFlow:
    """GET /api/projects/{id}/next, then POST /api/tasks/{id}/annotations."""

    def __init__(self, project_id: int):
        self.project_id = project_id

    async def next(self, client: httpx.AsyncClient) -> Reply:
        response = await client.get(f"/api/projects/{self.project_id}/next")
        if response.status_code == 404:
            return Reply("none")
        code = response.status_code
        if code != 200:
            return Reply("error", detail=f"next {code}", status=code)
        return Reply("ok", int(response.json()["id"]), status=code)

    async def submit(self, client: httpx.AsyncClient, item: int, label: str, key: str) -> Reply:
        result = [
            {
                "from_name": "choice",
                "to_name": "a",
                "type": "choices",
                "value": {"choices": [label]},
            }
        ]
        body = {"result": result, "lead_time": 1.0, "project": self.project_id}
        response = await client.post(
            f"/api/tasks/{item}/annotations", params={"project": self.project_id}, json=body
        )
        code = response.status_code
        if code != 201:
            return Reply("error", detail=f"submit {code}", status=code)
        return Reply("ok", int(response.json()["id"]), status=code)


class LabelStudioSystem:
    """``label-studio start`` on loopback over a fresh data folder (SQLite)."""

    name = "Label Studio"
    config = Config("sqlite", 1)
    source = "label-studio 1.23.2"

    def __init__(self, folder: Path, hh: Path, items: int, annotators: int):
        if not (VENV / "bin" / "label-studio").exists():
            raise SystemExit(f"Label Studio is not installed in {VENV}: run `make bench-peers`")
        folder.mkdir(parents=True)
        self.db = folder / "label_studio.sqlite3"
        self.tasks = _tasks(hh, items)
        self.env = {
            **os.environ,
            "LABEL_STUDIO_BASE_DATA_DIR": str(folder),
            "DJANGO_DB": "sqlite",
            "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true",
            "LABEL_STUDIO_LATEST_VERSION_CHECK": "false",  # no call to PyPI
            "LABEL_STUDIO_COLLECT_ANALYTICS": "false",
            "LOG_LEVEL": "WARNING",
        }
        user = ["--username", ADMIN, "--password", PASSWORD, "--user-token", ADMIN_TOKEN]
        flags = [*user, "--enable-legacy-api-token", "--no-browser"]
        self._run([str(VENV / "bin" / "label-studio"), "init", *flags, "-q"])
        made = self._run([str(VENV / "bin" / "python"), "-c", USERS, str(annotators), PASSWORD])
        found = next(x for x in made.splitlines() if x.startswith("TOKENS "))
        self.tokens: list[str] = json.loads(found.removeprefix("TOKENS "))
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = (folder / "server.log").open("wb")
        self.proc = subprocess.Popen(
            [str(VENV / "bin" / "label-studio"), "start", *flags,
             "--host", "127.0.0.1", "--port", str(self.port)],
            env=self.env, stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        wait_until_up(f"{self.base}/health", self.proc, 600)
        self.admin = httpx.Client(
            base_url=self.base, headers={"Authorization": f"Token {ADMIN_TOKEN}"}, timeout=600
        )
        self.count = 0

    def _run(self, cmd: list[str]) -> str:
        done = subprocess.run(
            cmd, env=self.env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=900
        )
        if done.returncode != 0:
            raise RuntimeError(f"{cmd[0]} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
        return done.stdout

    def new_project(self) -> tuple[LabelStudioFlow, int]:
        """A fresh project with the pairwise config, overlap 3, sequential sampling, the tasks."""
        self.count += 1
        made = self.admin.post(
            "/api/projects",
            json={
                "title": f"load-{self.count}",
                "label_config": CONFIG,
                "maximum_annotations": OVERLAP,
                "sampling": "Sequential sampling",
            },
        )
        made.raise_for_status()
        project = made.json()
        if project.get("maximum_annotations") != OVERLAP:
            raise RuntimeError(f"Label Studio did not keep maximum_annotations: {project}")
        imported = self.admin.post(f"/api/projects/{project['id']}/import", json=self.tasks)
        imported.raise_for_status()
        return LabelStudioFlow(project["id"]), project["id"]

    def headers(self, k: int) -> list[dict[str, str]]:
        """Authorization headers of the first k annotators."""
        return [{"Authorization": f"Token {t}"} for t in self.tokens[:k]]

    def meters(self, pg: PgCluster | None) -> tuple[TreeCpu, None]:
        """A CPU meter of the server and any process it started, from now (no PostgreSQL)."""
        return TreeCpu(self.proc.pid), None

    def check(self, project: int, acked: list[int]) -> Check:
        """Count the project's stored (not cancelled) annotations per task, from its database."""
        with sqlite3.connect(self.db, timeout=60) as conn:
            rows = conn.execute(
                "SELECT id, task_id, completed_by_id FROM task_completion "
                "WHERE project_id = ? AND was_cancelled = 0",
                (project,),
            ).fetchall()
        return check_counts([(i, task, str(who)) for i, task, who in rows], acked)

    def close(self) -> None:
        self.admin.close()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()
