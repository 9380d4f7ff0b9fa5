"""The kinds of personal data and secrets the PII check reports, with their severity.

Severity follows what a leak would cost the people concerned:

- ``critical``: live credentials that grant access at once: cloud and API keys, tokens,
  private keys, passwords in URLs.
- ``high``: identifiers that enable fraud or identity theft: card numbers, IBANs, US SSNs,
  UK National Insurance numbers, signed JWTs (bearer credentials, often expired).
- ``medium``: direct contact details and names: emails, phone numbers, person names (NER).
- ``low``: quasi-identifiers: IP addresses, places (NER).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from mentor.qa.findings import Severity


@dataclass(frozen=True, slots=True)
class PiiKind:
    """One kind of finding: its code, severity, redaction placeholder and a label for people."""

    code: str
    severity: Severity
    placeholder: str
    label: str


def _kind(code: str, severity: Severity, placeholder: str, label: str) -> PiiKind:
    return PiiKind(code, severity, placeholder, label)


KINDS: Final[dict[str, PiiKind]] = {
    k.code: k
    for k in (
        _kind("email", "medium", "<EMAIL>", "email address"),
        _kind("phone", "medium", "<PHONE>", "phone number"),
        _kind("credit-card", "high", "<CREDIT_CARD>", "credit card number"),
        _kind("iban", "high", "<IBAN>", "IBAN"),
        _kind("ssn", "high", "<SSN>", "US social security number"),
        _kind("nino", "high", "<NINO>", "UK National Insurance number"),
        _kind("ip-address", "low", "<IP_ADDRESS>", "IP address"),
        _kind("aws-access-key", "critical", "<SECRET>", "AWS access key id"),
        _kind("aws-secret-key", "critical", "<SECRET>", "AWS secret access key"),
        _kind("github-token", "critical", "<SECRET>", "GitHub token"),
        _kind("slack-token", "critical", "<SECRET>", "Slack token"),
        _kind("google-api-key", "critical", "<SECRET>", "Google API key"),
        _kind("openai-key", "critical", "<SECRET>", "OpenAI API key"),
        _kind("anthropic-key", "critical", "<SECRET>", "Anthropic API key"),
        _kind("stripe-key", "critical", "<SECRET>", "Stripe secret key"),
        _kind("private-key", "critical", "<PRIVATE_KEY>", "private key block"),
        _kind("url-password", "critical", "<PASSWORD>", "password in a URL"),
        _kind("jwt", "high", "<SECRET>", "JSON Web Token"),
        _kind("person", "medium", "<PERSON>", "person name"),
        _kind("location", "low", "<LOCATION>", "place or address"),
    )
}

STRUCTURED: Final = frozenset(
    {"email", "phone", "credit-card", "iban", "ssn", "nino", "ip-address"}
)
"""Kinds found by pattern and checksum (no model): the ones the benchmark scores."""

SECRETS: Final = frozenset(
    code for code, k in KINDS.items() if k.placeholder in ("<SECRET>", "<PRIVATE_KEY>")
) | {"url-password"}

NER_KINDS: Final = frozenset({"person", "location"})


def kind(code: str) -> PiiKind:
    """The kind for `code`; an unknown (third-party) code gets medium and ``<CODE>``."""
    found = KINDS.get(code)
    if found is None:
        return PiiKind(code, "medium", f"<{code.upper().replace('-', '_')}>", code)
    return found
