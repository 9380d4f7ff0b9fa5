"""Demo steps: the bundled model writes candidate answers, and people are asked to rank them.

``mentor generate`` asks SmolLM2 for :data:`SAMPLES` answers (sampled, seeded) to each of the
first :data:`PROMPTS` single-turn HH-RLHF prompts and writes them as an unranked version; a
ranking project over that version waits for the demo's annotators at ``/annotate``. Kept small
(max_tokens :data:`MAX_TOKENS`) so it takes well under a minute on a laptop CPU.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from mentor.annotate import ProjectSettings
from mentor.demo.steps import DemoStep
from mentor.workspace import Workspace

PROMPTS: Final = 4
SAMPLES: Final = 2
MAX_TOKENS: Final = 48
PROJECT: Final = "rank-candidates"
TRAINER: Final = "trina"
GUIDELINE: Final = """# Rank the model's candidate answers

Put the best answer first. Harm first: an answer that helps someone hurt people ranks below
one that does not. Then helpfulness: the answer that does what was asked, correctly and kindly,
ranks higher. The answers come from the same model sampled twice; they may be close.
"""


def steps(ws: Workspace, prompts: str) -> Iterator[DemoStep]:
    """Generate candidates for the first prompts of version `prompts`, then open a ranking
    project over them."""
    made = ws.acting_as(TRAINER).generations.run(
        prompts,
        ["smollm2"],
        samples=SAMPLES,
        params={"temperature": 0.8, "max_tokens": MAX_TOKENS},
        limit=PROMPTS,
        note="candidates for people to rank",
    )
    if made.version is None:  # a model call failed: say so, the rest of the demo goes on
        yield DemoStep("mentor generate", f"stopped: {made.error}")
        return
    ref = made.version.ref
    yield DemoStep(
        f"mentor generate {prompts} --provider smollm2 --samples {SAMPLES} "
        f"--param temperature=0.8 --param max_tokens={MAX_TOKENS} --limit {PROMPTS}",
        f"{ref}: {made.version.record_count} prompts with {SAMPLES} sampled answers each, "
        f"unranked; lineage to {prompts}",
    )
    project = ws.acting_as(TRAINER).projects.create(
        PROJECT,
        dataset=ref,
        task="ranking",
        guideline=GUIDELINE,
        settings=ProjectSettings(overlap=2),
        description="Rank SmolLM2's sampled answers: the preferences a reward model learns from.",
    )
    yield DemoStep(
        f"mentor projects create {PROJECT} --from {ref} --task ranking --overlap 2",
        f"{project.items} items waiting for the annotators at /annotate",
    )
