"""Names and places through a spaCy NER pipeline: the optional ``ner`` extra, loaded lazily.

Patterns cannot tell "Jordan" the person from Jordan the country; a trained model can, at a
cost (hundreds of texts a second, not tens of thousands), so the PII check runs it only when
asked. Each worker process loads the pipeline once and keeps it.
"""

from __future__ import annotations

from typing import Any, Final

from mentor.errors import ConfigError
from mentor.qa.pii.detection import Detection

DEFAULT_MODEL: Final = "en_core_web_sm"
INSTALL_HINT: Final = "pip install 'mentor[ner]'"

# spaCy's OntoNotes labels (PERSON, GPE, LOC, FAC) and the CoNLL ones (PER, LOC).
_CODES: Final = {
    "PERSON": "person",
    "PER": "person",
    "GPE": "location",
    "LOC": "location",
    "FAC": "location",
}
_PIPELINES: dict[str, Any] = {}


def load(model: str = DEFAULT_MODEL) -> Any:
    """The spaCy pipeline `model` (an installed package name or a path), loaded once."""
    nlp = _PIPELINES.get(model)
    if nlp is not None:
        return nlp
    try:
        import spacy
    except ImportError as exc:
        raise ConfigError(
            f"finding names and addresses needs the NER extra: {INSTALL_HINT}"
        ) from exc
    try:
        nlp = spacy.load(model)
    except OSError as exc:
        raise ConfigError(
            f"the spaCy pipeline {model!r} is not installed: run {INSTALL_HINT} and "
            f"`python -m spacy download {model}`, or give the path of a pipeline on disk"
        ) from exc
    if "ner" not in nlp.pipe_names and "entity_ruler" not in nlp.pipe_names:
        raise ConfigError(f"the spaCy pipeline {model!r} has no named-entity recogniser")
    _PIPELINES[model] = nlp
    return nlp


def find_entities(text: str, model: str = DEFAULT_MODEL) -> list[Detection]:
    """Person names and places in `text`, as spans."""
    doc = load(model)(text)
    return [
        Detection(code, ent.start_char, ent.end_char, ent.label_)
        for ent in doc.ents
        if (code := _CODES.get(ent.label_)) is not None
    ]
