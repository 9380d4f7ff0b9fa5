"""Offline language detection, for records that do not say what language they are in.

Uses py3langid (langid.py's naive Bayes model over byte n-grams, 97 languages, bundled with the
package: nothing is downloaded). Answers are ISO 639-1 codes such as ``en``; text with too
little to go on (a number, a word of code) is ``und``, "undetermined", as in BCP 47.
"""

from __future__ import annotations

import importlib
from typing import Any, Final

from mentor.errors import ConfigError

UNDETERMINED: Final = "und"
INSTALL_HINT: Final = "language detection needs py3langid: pip install 'py3langid>=0.4'"
_identifier: Any = None


def _model() -> Any:
    """The identifier, loaded once per process (about half a second)."""
    global _identifier
    if _identifier is None:
        try:
            langid = importlib.import_module("py3langid.langid")
        except ImportError as exc:
            raise ConfigError(INSTALL_HINT) from exc
        _identifier = langid.LanguageIdentifier.from_model_file(langid.MODEL_FILE, norm_probs=True)
    return _identifier


def detect(text: str, *, min_confidence: float = 0.1, max_chars: int = 300) -> str:
    """The language of `text` as an ISO 639-1 code, or ``und`` when it cannot tell.

    Only the first `max_chars` characters are read: a paragraph decides about as well as a
    book, and the model reads about a character a microsecond.
    Below `min_confidence` (a probability over the 97 languages) the answer is ``und``.
    """
    sample = text[:max_chars]
    if sum(c.isalpha() for c in sample[:200]) < 3:
        return UNDETERMINED
    language, confidence = _model().classify(sample)
    if confidence < min_confidence or language == "zxx":  # zxx: "no linguistic content"
        return UNDETERMINED
    return str(language)
