"""Is a written number a valid phone number, and where? Numbering plans from `phonenumbers`.

`phonenumbers.parse` is thorough and slow (tens of microseconds: it normalises, finds
extensions, strips carrier codes), and even its validity checks look each region's patterns up
by string on every call. A candidate that is plainly a country code and a national number, or
a national number with or without its trunk prefix, is checked here against each region's
number types, compiled once: the same rules `phonenumbers.is_valid_number` applies (a number is
valid when it fits the region's general pattern and one of its types: fixed line, mobile, toll
free, ...). Only a candidate that fails that fast reading goes through `parse`, so a valid
number is never lost to the shortcut.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import phonenumbers
from phonenumbers import PhoneMetadata

_TRUNK_IN_BRACKETS: Final = re.compile(r"\(0\)")
# Regions whose numbers are usually written without their trunk prefix: all of +1 (prefix 1),
# Brazil ("(11) 91234-5678") and India ("98765 43210").
_TRUNK_OPTIONAL: Final = frozenset({"US", "CA", "BR", "IN"})
_SEPARATORS: Final = str.maketrans("", "", "+() .-/")  # what a written number holds but digits
_NON_GEOGRAPHIC: Final = "001"  # phonenumbers' region for +800, +882 and other global codes
# The number types phonenumbers knows; a number of none of them is not a valid number.
_TYPES: Final = (
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
    "fixed_line",
)


@dataclass(frozen=True, slots=True)
class _Desc:
    """One number type's lengths (empty: any) and pattern, as phonenumbers matches them."""

    lengths: frozenset[int]
    pattern: re.Pattern[str]

    def fits(self, national: str) -> bool:
        return (not self.lengths or len(national) in self.lengths) and bool(
            self.pattern.fullmatch(national)
        )


@dataclass(frozen=True, slots=True)
class _Rules:
    """A region's numbering plan: country code, trunk prefix, general shape and number types.

    `by_length` holds, for each length asked about so far, one pattern that matches a number
    of any of the types allowing that length (None: no type does).
    """

    country_code: int | None
    prefix: str
    general: _Desc | None
    types: tuple[_Desc, ...]
    leading_digits: re.Pattern[str] | None
    by_length: dict[int, re.Pattern[str] | None] = field(default_factory=dict)

    def valid(self, national: str) -> bool:
        """`national` (significant digits) is a number of one of the region's types."""
        general = self.general
        return general is not None and general.fits(national) and self.valid_types(national)

    def valid_types(self, national: str) -> bool:
        """`national`, which fits the general pattern, is a number of one of the types."""
        size = len(national)
        if size not in self.by_length:  # compiled on first use: most lengths never come up
            fitting = [d for d in self.types if not d.lengths or size in d.lengths]
            self.by_length[size] = _either(fitting)
        types = self.by_length[size]
        return types is not None and bool(types.fullmatch(national))

    def fits_general(self, national: str) -> bool:
        """`national` has one of the region's lengths and its general pattern."""
        general = self.general
        return (
            general is not None
            and len(national) in general.lengths
            and bool(general.pattern.fullmatch(national))
        )


def _desc(desc: Any) -> _Desc | None:
    if desc is None or not desc.national_number_pattern:
        return None  # phonenumbers: no pattern, no match
    return _Desc(frozenset(desc.possible_length or ()), re.compile(desc.national_number_pattern))


def _either(descs: list[_Desc]) -> re.Pattern[str] | None:
    """One pattern that matches what any of `descs` does."""
    if not descs:
        return None
    return re.compile("|".join(f"(?:{d.pattern.pattern})" for d in descs))


@functools.cache
def _rules(region: str, country_code: int = 0) -> _Rules | None:
    """The rules of `region` (of `country_code`, for the non-geographic region "001")."""
    if region == _NON_GEOGRAPHIC:
        meta = PhoneMetadata.metadata_for_nongeo_region(country_code, None)
    else:
        meta = PhoneMetadata.metadata_for_region(region, None)
    if meta is None:
        return None
    names = _TYPES if meta.same_mobile_and_fixed_line_pattern else (*_TYPES, "mobile")
    types = tuple(d for d in (_desc(getattr(meta, n, None)) for n in names) if d is not None)
    return _Rules(
        meta.country_code,
        meta.national_prefix or "",
        _desc(meta.general_desc),
        types,
        re.compile(meta.leading_digits) if meta.leading_digits is not None else None,
    )


def _significant(national: str) -> str:
    """The national significant number phonenumbers makes of `national` (leading zeros kept)."""
    if national.isascii() and national.strip("0"):
        return national  # what int() and str() would give back
    zeros = len(national) - len(national.lstrip("0"))
    return "0" * zeros + str(int(national))


def _digits(text: str) -> str:
    """The digits of a written number."""
    digits = text.translate(_SEPARATORS)
    return digits if digits.isdigit() else "".join(ch for ch in text if ch.isdigit())


@functools.cache
def _plans(regions: tuple[str, ...], length: int) -> tuple[tuple[str, _Rules | None], ...]:
    """The regions where a national number of `length` digits may be read, with their rules
    (None where it cannot be read fast), in order: the others have no number that long."""
    plans: list[tuple[str, _Rules | None]] = []
    for region in regions:
        rules = _rules(region)
        if rules is None or rules.general is None or rules.country_code is None:
            plans.append((region, None))
            continue
        lengths = rules.general.lengths
        if length in lengths or (rules.prefix and length - len(rules.prefix) in lengths):
            plans.append((region, rules))
    return tuple(plans)


def valid_for_region(country_code: int, national: str, region: str) -> bool:
    """``phonenumbers.is_valid_number_for_region`` for the number +`country_code` `national`."""
    rules = _rules(region, country_code)
    if rules is None or (region != _NON_GEOGRAPHIC and rules.country_code != country_code):
        return False
    return rules.valid(_significant(national))


def valid_number(country_code: int, national: str) -> bool:
    """``phonenumbers.is_valid_number`` for +`country_code` `national`: valid in the region
    that the country code and the leading digits point to."""
    regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(country_code)
    if not regions:
        return False
    if len(regions) == 1:
        return valid_for_region(country_code, national, regions[0])
    significant = _significant(national)
    for region in regions:  # the first region that claims the number decides (phonenumbers)
        rules = _rules(region, country_code)
        if rules is None:
            continue
        if rules.leading_digits is not None:
            if rules.leading_digits.match(significant):
                return rules.country_code == country_code and rules.valid(significant)
        elif rules.valid(significant):
            return rules.country_code == country_code
    return False


def _national_readings(digits: str, region: str, rules: _Rules) -> list[str]:
    """The digits as a national number, with and without the trunk prefix, that fit the plan.

    Where people dial a trunk prefix (the 0 of 020 7946 0958), a number written without it
    is not a phone number of that region: "666-12-3456" is no German number.
    """
    prefix = rules.prefix
    if prefix and not digits.startswith(prefix):
        readings = [digits] if region in _TRUNK_OPTIONAL else []
    else:
        readings = [digits, digits[len(prefix) :]] if prefix else [digits]
    return [n for n in readings if rules.fits_general(n)]


def _international(digits: str) -> str | None:
    """The region of a valid number written as country code + national number."""
    if digits[0] == "0":  # no country code starts with 0
        return None
    for size in (1, 2, 3):
        regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(int(digits[:size]))
        if regions:  # country codes are prefix-free: the first hit is the only one
            national = digits[size:]
            if national and valid_number(int(digits[:size]), national):
                return str(regions[0])
            return None
    return None


def _parsed(text: str, region: str | None) -> str | None:
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if phonenumbers.is_valid_number(number):
        return phonenumbers.region_code_for_number(number) or region or "?"
    return None


def phone_region(candidate: str, regions: Sequence[str]) -> str | None:
    """The region in which `candidate` is a valid phone number (None if in none of `regions`).

    A number written with ``+`` or ``00`` carries its country; a national one is tried in
    each of `regions` in turn.
    """
    text = candidate.strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    if text.startswith("+"):
        digits = _digits(_TRUNK_IN_BRACKETS.sub("", text) if "(0)" in text else text)
        return (_international(digits) if digits else None) or _parsed(text, None)
    digits = _digits(text)
    plausible = []
    for region, rules in _plans(tuple(regions), len(digits)):
        if rules is None:
            plausible.append(region)
            continue
        readings = _national_readings(digits, region, rules)
        if readings:
            plausible.append(region)
        for national in readings:
            significant = _significant(national)
            # The reading already fits the general pattern, unless it changed here.
            if significant is national and rules.valid_types(national):
                return region
            if significant is not national and rules.valid(significant):
                return region
    for region in plausible:
        found = _parsed(text, region)
        if found is not None:
            return found
    return None
