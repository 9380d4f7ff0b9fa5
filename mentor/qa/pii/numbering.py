"""Is a written number a valid phone number, and where? Numbering plans from `phonenumbers`.

`phonenumbers.parse` is thorough and slow (tens of microseconds: it normalises, finds
extensions, strips carrier codes). A candidate that is plainly a country code and a national
number, or a national number with or without its trunk prefix, is checked directly against the
region's number patterns; only a candidate that fails that fast reading goes through `parse`,
so a valid number is never lost to the shortcut.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import phonenumbers
from phonenumbers import PhoneNumber

_TRUNK_IN_BRACKETS: Final = re.compile(r"\(0\)")
# Regions whose numbers are usually written without their trunk prefix: all of +1 (prefix 1),
# Brazil ("(11) 91234-5678") and India ("98765 43210").
_TRUNK_OPTIONAL: Final = frozenset({"US", "CA", "BR", "IN"})


@dataclass(frozen=True, slots=True)
class _Plan:
    """A region's country code, trunk prefix and the shape of its national numbers."""

    country_code: int
    prefix: str
    lengths: frozenset[int]
    pattern: re.Pattern[str]


@functools.cache
def _plan(region: str) -> _Plan | None:
    meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if meta is None or meta.general_desc is None or meta.country_code is None:
        return None
    desc = meta.general_desc
    return _Plan(
        meta.country_code,
        meta.national_prefix or "",
        frozenset(desc.possible_length or ()),
        re.compile(desc.national_number_pattern or ".*"),
    )


def _number(country_code: int, national: str) -> PhoneNumber:
    zeros = len(national) - len(national.lstrip("0"))
    number = PhoneNumber(country_code=country_code, national_number=int(national))
    if zeros:  # Italy and a few others keep a leading 0 in the national number
        number.italian_leading_zero = True
        number.number_of_leading_zeros = zeros
    return number


def _national_readings(digits: str, region: str, plan: _Plan) -> list[str]:
    """The digits as a national number, with and without the trunk prefix, that fit the plan.

    Where people dial a trunk prefix (the 0 of 020 7946 0958), a number written without it
    is not a phone number of that region: "666-12-3456" is no German number.
    """
    if plan.prefix and not digits.startswith(plan.prefix):
        readings = [digits] if region in _TRUNK_OPTIONAL else []
    else:
        readings = [digits, digits[len(plan.prefix) :]] if plan.prefix else [digits]
    return [n for n in readings if len(n) in plan.lengths and plan.pattern.fullmatch(n)]


def _international(digits: str) -> str | None:
    """The region of a valid number written as country code + national number."""
    if digits[0] == "0":  # no country code starts with 0
        return None
    for size in (1, 2, 3):
        regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(int(digits[:size]))
        if regions:  # country codes are prefix-free: the first hit is the only one
            national = digits[size:]
            if national and phonenumbers.is_valid_number(_number(int(digits[:size]), national)):
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
        digits = "".join(ch for ch in _TRUNK_IN_BRACKETS.sub("", text) if ch.isdigit())
        return (_international(digits) if digits else None) or _parsed(text, None)
    digits = "".join(ch for ch in text if ch.isdigit())
    plausible = []
    for region in regions:
        plan = _plan(region)
        if plan is None:
            plausible.append(region)
            continue
        readings = _national_readings(digits, region, plan)
        if readings:
            plausible.append(region)
        for national in readings:
            if phonenumbers.is_valid_number_for_region(
                _number(plan.country_code, national), region
            ):
                return region
    for region in plausible:
        found = _parsed(text, region)
        if found is not None:
            return found
    return None
