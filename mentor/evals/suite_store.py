"""Suite versions in the store: saving one as it is read, reading its cases back page by page.

A run always runs the stored version of its suite, so that what was asked is what the run
records, even if the file changes later. Saving and reading both stream: a suite of 100,000
cases is never held in memory whole.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

from sqlalchemy import Connection, Engine, Exists, and_, exists, func, select

from mentor.errors import ConflictError
from mentor.evals.cases import Case, CaseSource, GraderSpec, Suite, distinct_graders
from mentor.evals.specs import SuiteHasher, case_from_dict, case_to_dict
from mentor.store.audit import now
from mentor.store.eval_tables import eval_cases, eval_results, eval_suites

SAVE_CHUNK = 1000  # eval_cases rows per INSERT when a suite is saved
PAGE = 500  # cases per read when a stored suite is iterated


def _rows(suite_id: int, first: int, cases: list[Case]) -> list[dict[str, object]]:
    return [
        {
            "suite_id": suite_id,
            "position": position,
            "case_id": case.id,
            "severity": case.severity,
            "category": case.category,
            "intent": case.intent,
            "should_refuse": case.should_refuse,
            "tags": list(case.tags),
            "body": case_to_dict(case),
        }
        for position, case in enumerate(cases, start=first)
    ]


def save_suite(conn: Connection, suite: CaseSource, actor: str, source: str | None) -> int:
    """The id of this suite version (name and content hash), storing it if it is new.

    The cases are read once more as they are stored, a chunk at a time; if they no longer hash
    to the version that was checked (the file changed in between), nothing is kept.
    """
    found = conn.execute(
        select(eval_suites.c.id).where(
            eval_suites.c.name == suite.name, eval_suites.c.content_hash == suite.content_hash
        )
    ).scalar()
    if found is not None:
        return int(found)
    inserted = conn.execute(
        eval_suites.insert().values(
            name=suite.name,
            content_hash=suite.content_hash,
            description=suite.description,
            case_count=suite.case_count,
            source=source,
            created_by=actor,
            created_at=now(),
        )
    ).inserted_primary_key
    assert inserted is not None
    suite_id = int(inserted[0])
    hasher = SuiteHasher()
    cases = suite.iter_cases()
    while chunk := list(islice(cases, SAVE_CHUNK)):
        first = hasher.count + 1
        for case in chunk:
            hasher.add(case)
        conn.execute(eval_cases.insert(), _rows(suite_id, first, chunk))
    if hasher.hexdigest() != suite.content_hash or hasher.count != suite.case_count:
        raise ConflictError(
            f"suite '{suite.name}' changed while it was being stored (source {source or '-'}); "
            "nothing was saved; run again"
        )
    return suite_id


def stored_suite(conn: Connection, suite_id: int) -> Suite:
    """A stored suite version with all its cases in memory."""
    head = conn.execute(select(eval_suites).where(eval_suites.c.id == suite_id)).one()
    bodies = conn.execute(
        select(eval_cases.c.body)
        .where(eval_cases.c.suite_id == suite_id)
        .order_by(eval_cases.c.position)
    ).scalars()
    return Suite(
        name=head.name,
        cases=tuple(case_from_dict(b) for b in bodies),
        description=head.description,
        content_hash=head.content_hash,
    )


def _page(engine: Engine, suite_id: int, after: int, run_id: int | None) -> list[tuple[int, Case]]:
    query = (
        select(eval_cases.c.position, eval_cases.c.body)
        .where(eval_cases.c.suite_id == suite_id, eval_cases.c.position > after)
        .order_by(eval_cases.c.position)
        .limit(PAGE)
    )
    if run_id is not None:
        query = query.where(~_answered(run_id))
    with engine.connect() as conn:
        return [(int(r.position), case_from_dict(r.body)) for r in conn.execute(query)]


def _answered(run_id: int) -> Exists:
    """The case of the current eval_cases row is done in run `run_id`: the model answered and
    no grader errored (a judge that could not be reached is asked again on resume)."""
    return exists().where(
        and_(
            eval_results.c.run_id == run_id,
            eval_results.c.case_id == eval_cases.c.case_id,
            eval_results.c.state != "error",
        )
    )


def iter_stored_cases(
    engine: Engine, suite_id: int, *, unanswered_in: int | None = None
) -> Iterator[tuple[int, Case]]:
    """(position, case) of a stored suite in order, a page at a time; with `unanswered_in`, only
    the cases that run has not done yet (never asked, or errored in the call or a grader)."""
    after = 0
    while True:
        page = _page(engine, suite_id, after, unanswered_in)
        yield from page
        if len(page) < PAGE:
            return
        after = page[-1][0]


def answered_count(conn: Connection, suite_id: int, run_id: int) -> int:
    """How many of the suite's cases run `run_id` has done (answered, with no grader error)."""
    query = select(func.count()).where(eval_cases.c.suite_id == suite_id, _answered(run_id))
    return int(conn.execute(query).scalar_one())


@dataclass(frozen=True)
class StoredSuite:
    """A stored suite version as a :class:`~mentor.evals.cases.CaseSource`: its cases are read
    from the store a page at a time on each pass."""

    engine: Engine
    suite_id: int
    name: str
    description: str
    content_hash: str
    case_count: int

    @classmethod
    def load(cls, engine: Engine, suite_id: int) -> StoredSuite:
        """The stored suite `suite_id` (its header only)."""
        with engine.connect() as conn:
            head = conn.execute(select(eval_suites).where(eval_suites.c.id == suite_id)).one()
        return cls(
            engine, suite_id, head.name, head.description, head.content_hash, head.case_count
        )

    def iter_cases(self) -> Iterator[Case]:
        """The cases in order."""
        return (case for _, case in iter_stored_cases(self.engine, self.suite_id))

    def grader_uses(self) -> Iterator[tuple[GraderSpec, str]]:
        """Each distinct grader spec with the id of the first case that uses it."""
        return distinct_graders(self.iter_cases())
