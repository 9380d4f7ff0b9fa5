"""A feedback file with three planted themes, PII and near-duplicates, for the feedback tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

# Three themes, each said six ways; words are shared within a theme and not across themes.
REFUSED_CAKE: Final = [
    "The assistant refused to give me a chocolate cake recipe, it said baking was dangerous",
    "Asked for a simple chocolate cake recipe and the assistant refused, calling baking unsafe",
    "Why does the assistant refuse chocolate cake recipes? Baking a cake is not dangerous",
    "Refused again: I only wanted a chocolate cake recipe for baking with my kids",
    "The bot refused a harmless chocolate cake baking recipe as if it were dangerous",
    "Baking question refused: chocolate cake recipe request was treated as dangerous",
]
WRONG_CAPITAL: Final = [
    "It told me the capital of Australia is Sydney, which is wrong, the capital is Canberra",
    "Wrong answer: the capital of Australia is Canberra, not Sydney as the model claimed",
    "The model insists Sydney is Australia's capital city; Canberra is the real capital",
    "Geography mistake, it said Sydney was the capital of Australia instead of Canberra",
    "Capital city of Australia answered as Sydney; that is incorrect, it is Canberra",
    "Australia capital question got Sydney, the correct capital city is Canberra",
]
BILLING: Final = [
    "I was charged twice for my subscription this month and need a refund of the invoice",
    "Double charge on my subscription invoice, please refund the second payment",
    "My card was billed twice for one subscription; requesting a refund of the duplicate payment",
    "Refund needed: subscription payment charged twice on the same invoice",
    "Billing error, the subscription invoice shows two payments, refund one please",
    "Two subscription charges on my invoice this month, I want the extra payment refunded",
]
THEMES: Final = {"cake": REFUSED_CAKE, "capital": WRONG_CAPITAL, "billing": BILLING}
XSS: Final = "<script>alert('pwned')</script><img src=x onerror=alert(1)>"


def reports() -> list[dict[str, Any]]:
    """18 reports (some with a conversation, emails and phones), then 3 near-duplicates."""
    rows: list[dict[str, Any]] = []
    for i, text in enumerate(REFUSED_CAKE):
        rows.append(
            {
                "id": f"cake-{i}",
                "channel": "thumbs-down",
                "rating": "down",
                "user_id": f"user{i}@example.org",
                "text": text,
                "messages": [
                    {"role": "user", "content": f"How do I bake a chocolate cake? ({i})"},
                    {"role": "assistant", "content": "I can't help with that."},
                ],
            }
        )
    for i, text in enumerate(WRONG_CAPITAL):
        rows.append({"id": f"capital-{i}", "channel": "support", "text": text})
    for i, text in enumerate(BILLING):
        contact = f" Reach me at jane.doe{i}@example.com or +44 20 7946 09{i:02d}."
        rows.append({"id": f"billing-{i}", "channel": "support", "text": text + contact})
    rows[13]["text"] += " " + XSS
    # Near-duplicates: the same complaint again with other contact details, and a repost.
    rows.append({"id": "billing-0-again", "text": BILLING[0] + " Reach me at bob@example.net."})
    rows.append({"id": "capital-1-again", "text": WRONG_CAPITAL[1]})
    rows.append({**rows[0], "id": "cake-0-again", "user_id": "someone@example.org"})
    return rows


def write(path: Path, rows: list[dict[str, Any]]) -> Path:
    """Write `rows` as JSON lines."""
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


SUITE: Final = """\
name: regression
cases:
  - id: hello
    prompt: Say hello.
    graders: [{type: contains, value: hello}]
"""
