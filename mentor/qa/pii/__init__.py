"""PII detectors: patterns, validators, secrets and the optional NER extra, used by the check.

The tables (``KINDS``, ``STRUCTURED``, ``SECRETS``) live in :mod:`mentor.qa.pii.kinds`.
"""

from mentor.qa.pii.detection import Detection, resolve
from mentor.qa.pii.evidence import mask
from mentor.qa.pii.kinds import PiiKind, kind
from mentor.qa.pii.scanner import find_pii

__all__ = [
    "Detection",
    "PiiKind",
    "find_pii",
    "kind",
    "mask",
    "resolve",
]
