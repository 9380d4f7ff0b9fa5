"""A workspace: one database and who is acting on it. The SDK's front door.

Everything else is reached through one facade per area: ``ws.datasets``, ``ws.qa``,
``ws.projects``, ``ws.quality``, ``ws.evals``, ``ws.judges``, ``ws.reviews``,
``ws.accounts`` and ``ws.providers``.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from mentor.config import Settings, load_settings
from mentor.store import AuditEvent, list_events, migrate, open_engine

if TYPE_CHECKING:
    from mentor.accounts import Accounts
    from mentor.analysis import Analysis
    from mentor.annotate import Projects
    from mentor.datasets import Datasets
    from mentor.evals import Evals
    from mentor.generate import Generations
    from mentor.judges.facade import Judges
    from mentor.judges.review import Reviews
    from mentor.providers.named import NamedProviders
    from mentor.qa import DatasetHealth
    from mentor.quality import Quality
    from mentor.reports import Reports
    from mentor.train import Training


class Workspace:
    """Everything Mentor keeps in one database; get one with :func:`mentor.connect`."""

    def __init__(self, engine: Engine, settings: Settings, *, trusted: bool = True):
        self.engine = engine
        self.settings = settings
        self.trusted = trusted
        """Whether this caller may write provider specs (commands, URLs, local paths): the CLI
        and the SDK on the server may; the web app's users only pick named providers."""

    @property
    def actor(self) -> str:
        """The name recorded as who made each change."""
        return self.settings.user

    def acting_as(self, user: str) -> Workspace:
        """This workspace (same engine) with `user` recorded as the actor of every change; the
        web app uses it so the audit log names the person signed in. Close only the original."""
        settings = self.settings.model_copy(update={"user": user})
        return Workspace(self.engine, settings, trusted=self.trusted)

    def untrusted(self) -> Workspace:
        """This workspace (same engine, same actor) for callers who must not choose what the
        server runs: provider specs are refused, only named providers may be picked."""
        return Workspace(self.engine, self.settings, trusted=False)

    @cached_property
    def providers(self) -> NamedProviders:
        """Model providers an admin named; the only ones untrusted callers may pick."""
        from mentor.providers.named import NamedProviders

        return NamedProviders(self)

    @cached_property
    def datasets(self) -> Datasets:
        """Datasets and their versions: import, inspect, transform, document, export."""
        from mentor.datasets import Datasets

        return Datasets(self)

    @cached_property
    def qa(self) -> DatasetHealth:
        """Dataset health: scans, fixes and gates over versions or files."""
        from mentor.qa import DatasetHealth

        return DatasetHealth(self)

    @cached_property
    def accounts(self) -> Accounts:
        """Users, roles, login sessions and API tokens."""
        from mentor.accounts import Accounts

        return Accounts(self)

    @cached_property
    def projects(self) -> Projects:
        """Annotation projects: guidelines, queues, gold, review, adjudication, release."""
        from mentor.annotate import Projects

        return Projects(self, on_release=[self.reviews.after_release])

    @cached_property
    def reviews(self) -> Reviews:
        """Human review of eval outputs: projects over a run's outputs, human grades."""
        from mentor.judges.review import Reviews

        return Reviews(self)

    @cached_property
    def quality(self) -> Quality:
        """Label quality per project and annotator, and the workspace's KPIs."""
        from mentor.quality import Quality

        return Quality(self)

    @cached_property
    def evals(self) -> Evals:
        """Evaluation suites, runs, scorecards, comparisons and gates."""
        from mentor.evals import Evals

        return Evals(self)

    @cached_property
    def analysis(self) -> Analysis:
        """Error analysis: taxonomies per suite, tags on results, top issues over runs."""
        from mentor.analysis import Analysis

        return Analysis(self)

    @cached_property
    def generations(self) -> Generations:
        """Candidate responses from models, written as versions for people to rank."""
        from mentor.generate import Generations

        return Generations(self)

    @cached_property
    def judges(self) -> Judges:
        """Judges checked against people: calibration records and their history."""
        from mentor.judges.facade import Judges

        return Judges(self)

    @cached_property
    def training(self) -> Training:
        """Training runs with TRL on dataset versions, their metrics and their models."""
        from mentor.train import Training

        return Training(self)

    @cached_property
    def reports(self) -> Reports:
        """The Model Quality Update and the release readiness note, computed from the store."""
        from mentor.reports import Reports

        return Reports(self)

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *_: Any) -> None:
        self.close()

    def audit(self, limit: int = 100, object_id: str | None = None) -> list[AuditEvent]:
        """The newest audit events first."""
        with self.engine.connect() as conn:
            return list_events(conn, limit=limit, object_id=object_id)


def connect(
    url: str | None = None,
    *,
    home: str | Path | None = None,
    user: str | None = None,
    debug: bool | None = None,
    max_line_bytes: int | None = None,
    max_request_bytes: int | None = None,
    max_text_chars: int | None = None,
    db_pool_size: int | None = None,
) -> Workspace:
    """Open (and if needed create and migrate) the workspace at `url` or ``MENTOR_DB``.

    The keyword arguments are :class:`~mentor.config.Settings` fields; each one given wins over
    its ``MENTOR_*`` variable."""
    given = {
        "db": url or None,
        "home": home,
        "user": user,
        "debug": debug,
        "max_line_bytes": max_line_bytes,
        "max_request_bytes": max_request_bytes,
        "max_text_chars": max_text_chars,
        "db_pool_size": db_pool_size,
    }
    base = load_settings().model_dump(exclude_unset=True)
    cfg = Settings.model_validate({**base, **{k: v for k, v in given.items() if v is not None}})
    engine = open_engine(cfg.db, pool_size=cfg.db_pool_size)
    migrate(engine)
    return Workspace(engine, cfg)
