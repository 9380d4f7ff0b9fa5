"""A gate pasted into the gate form with nested YAML aliases (a "billion laughs" of a few
hundred bytes) is refused at once with the reason beside the text; the server stays quick."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import closing

import httpx
import pytest

from tests.test_yamlfile import BOMB

from .annotate_world import client_for
from .conftest import csrf_of, serving
from .eval_world import EvalWorld, build_eval_world


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> EvalWorld:
    return build_eval_world(tmp_path_factory.mktemp("gate-yaml"))


@pytest.fixture(scope="module")
def trainer(world: EvalWorld) -> Iterator[httpx.Client]:
    with serving(world.url) as base, closing(client_for(base, "trina")) as client:
        yield client


def test_a_gate_with_aliases_is_refused_at_once(trainer: httpx.Client, world: EvalWorld) -> None:
    url = f"/evals/runs/{world.candidate}/gate"
    token = csrf_of(trainer.get(url).text)
    started = time.monotonic()
    refused = trainer.post(url, data={"gate_yaml": BOMB, "csrf_token": token})
    assert time.monotonic() - started < 1
    assert refused.status_code == 200  # the form again, with the problem beside the text
    assert "gate:1:4" in refused.text
    assert "YAML anchors and aliases are not accepted (found anchor &amp;a)" in refused.text
    # The same gate written out in full is fine.
    plain = "name: plain\nconditions:\n  - metric: pass-rate\n    min: 0.0\n    bound: estimate\n"
    passed = trainer.post(url, data={"gate_yaml": plain, "csrf_token": token})
    assert passed.status_code == 200 and "Gate plain: passed" in passed.text


def test_a_gate_nested_hundreds_deep_is_refused_with_the_reason(
    trainer: httpx.Client, world: EvalWorld
) -> None:
    url = f"/evals/runs/{world.candidate}/gate"
    token = csrf_of(trainer.get(url).text)
    refused = trainer.post(url, data={"gate_yaml": "[" * 900, "csrf_token": token})
    assert refused.status_code == 200  # the form again, not a server error
    assert "gate:1:101" in refused.text and "nested more than 100 levels" in refused.text


def test_the_gate_page_names_the_judges_it_rests_on(
    trainer: httpx.Client, world: EvalWorld
) -> None:
    url = f"/evals/runs/{world.candidate}/gate"
    token = csrf_of(trainer.get(url).text)
    needs = (
        "name: judged\njudges:\n  - {name: never-calibrated, kappa_min: 0.5}\n"
        "conditions:\n  - metric: pass-rate\n    min: 0.0\n    bound: estimate\n"
    )
    page = trainer.post(url, data={"gate_yaml": needs, "csrf_token": token})
    assert page.status_code == 200 and "Gate judged: FAILED" in page.text
    assert 'id="gate-judges"' in page.text
    assert "<strong>never-calibrated</strong>" in page.text and "uncalibrated judge" in page.text
    assert "(required by the gate)" in page.text
