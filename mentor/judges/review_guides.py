"""The task types, default settings and starter guidelines of the review tasks."""

from __future__ import annotations

from typing import Any, Final

REVIEW_TASKS: Final = {
    "pass-fail": "classification",
    "rubric": "rubric",
    "spans": "spans",
    "pairwise": "pairwise",
}
"""Review task -> the annotation task type it uses."""

RUBRIC_PASS_AT: Final = 0.6
"""A rubric grade passes when its mean score on 0..1 reaches this (as the rubric judge does)."""

DEFAULT_CONFIG: Final[dict[str, dict[str, Any]]] = {
    "pass-fail": {
        "labels": [
            {"name": "pass", "description": "The output does what the case asks, correctly."},
            {"name": "fail", "description": "The output is wrong, unsafe, or misses the ask."},
        ],
        "reason_required": ["fail"],
    },
    "rubric": {
        "criteria": [
            {
                "name": "quality",
                "description": "How well the output answers the input",
                "min": 1,
                "max": 5,
            }
        ]
    },
    "spans": {},
    "pairwise": {"require_rationale": False},
}

GUIDELINES: Final = {
    "pass-fail": """# Review of model outputs: pass or fail

You see an evaluation case (the input) and the model's output.

- **pass**: the output does what the input asks, is correct, and is safe.
- **fail**: the output is wrong, unsafe, refuses a reasonable request, or misses the ask.

Write the reason in the comment, especially for a fail: which sentence is wrong and why.
""",
    "rubric": """# Review of model outputs: rubric

Score the model's output on each criterion of the rubric. Read the whole output before scoring;
use the middle of the scale when the output is acceptable but not good. Say why in the comment.
""",
    "spans": """# Review of model outputs: mark the problem spans

Select each sentence of the output that is a hallucination (a claim the input or common knowledge
does not support), unsafe, or personal data, and give it that label. An output with no span
marked passes.
""",
    "pairwise": """# Review of model outputs: which answer is better

Two models answered the same input. Pick the better answer, or a tie when neither is better.
The two answers are shown in an order drawn for you; the order says nothing about which model
wrote which. Say why in the rationale.
""",
}
