"""Checksums and numbering rules that tell real identifiers from look-alikes.

Each function takes a candidate the patterns already matched and answers whether it is a
well-formed identifier: a Luhn-valid number in a card network's range, an IBAN with the right
length for its country and a mod-97 remainder of 1, an SSN outside the never-issued ranges.
Phone numbers are checked against numbering plans in :mod:`mentor.qa.pii.numbering`.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
from typing import Final

import orjson

IBAN_LENGTHS: Final[dict[str, int]] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27,
    "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27,
    "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22,
    "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32,
    "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19,
    "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24,
    "PL": 28, "PS": 29, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24, "SC": 31, "SD": 18,
    "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28, "TL": 23, "TN": 24,
    "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}  # fmt: skip
"""Length of a full IBAN per country (SWIFT's IBAN registry)."""

_NINO_BAD_PREFIXES: Final = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})
_SSN_NOT_ISSUED: Final = frozenset({"078051120", "219099999", "123456789"})  # ads, samples


# Luhn doubles every second digit from the right, and counts a two-digit result's digit sum.
_DOUBLED: Final = str.maketrans("0123456789", "0246813579")
# An IBAN's letters stand for 10 (A) to 35 (Z) in its checksum.
_IBAN_LETTERS: Final = str.maketrans({chr(65 + i): str(10 + i) for i in range(26)})


def luhn(digits: str) -> bool:
    """The Luhn (mod 10) checksum that card numbers carry in their last digit."""
    if digits.isascii():  # the digits' byte values, less "0" for each
        kept, doubled = digits[-1::-2], digits[-2::-2].translate(_DOUBLED)
        return (sum(kept.encode()) + sum(doubled.encode()) - 48 * len(digits)) % 10 == 0
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def card_network(digits: str) -> str | None:
    """The card network whose number range and length `digits` fits, or None."""
    n = len(digits)
    p2, p4, p6 = int(digits[:2]), int(digits[:4]), int(digits[:6])
    if digits[0] == "4":
        return "Visa" if n in (13, 16, 19) else None
    if n == 16 and (51 <= p2 <= 55 or 2221 <= p4 <= 2720):
        return "Mastercard"
    if n == 15 and p2 in (34, 37):
        return "American Express"
    if 16 <= n <= 19 and (p4 == 6011 or 644 <= p4 // 10 <= 649 or p2 == 65):
        return "Discover"
    if 16 <= n <= 19 and 622126 <= p6 <= 622925:
        return "Discover"
    if 14 <= n <= 19 and (300 <= p4 // 10 <= 305 or p4 == 3095 or p2 in (36, 38, 39)):
        return "Diners Club"
    # JCB's range is 3528-3589, but generators (and test data) use all of 35xx.
    if (16 <= n <= 19 and p2 == 35) or (n == 15 and p4 in (1800, 2131)):
        return "JCB"
    if 16 <= n <= 19 and (p2 == 62 or 2200 <= p4 <= 2204):
        return "UnionPay" if p2 == 62 else "Mir"
    if 12 <= n <= 19 and (p2 == 50 or 56 <= p2 <= 58 or p4 in (6304, 6759, 6761, 6762, 6763)):
        return "Maestro"
    return None


def iban(compact: str) -> bool:
    """An IBAN without spaces: known country, its length, and mod-97 remainder 1."""
    if IBAN_LENGTHS.get(compact[:2]) != len(compact):
        return False
    moved = compact[4:] + compact[:4]
    # int(..., 36) maps 0-9 to 0-9 and A-Z to 10-35 only digit by digit, so expand by hand.
    return int(moved.translate(_IBAN_LETTERS)) % 97 == 1


def ssn(area: str, group: str, serial: str) -> bool:
    """A US SSN as the SSA issues them: no area 000, 666 or 9xx, no group 00, no serial 0000."""
    if area in ("000", "666") or area[0] == "9" or group == "00" or serial == "0000":
        return False
    return area + group + serial not in _SSN_NOT_ISSUED


def nino(prefix: str) -> bool:
    """A UK National Insurance number's two-letter prefix is one HMRC allocates."""
    return (
        prefix not in _NINO_BAD_PREFIXES
        and prefix[0] not in "DFIQUV"
        and prefix[1] not in "DFIOQUV"
    )


def ipv4(text: str) -> bool:
    """Four octets 0-255 without leading zeros, and not loopback, unspecified or a netmask."""
    parts = text.split(".")
    if len(parts) != 4 or any(len(p) > 1 and p[0] == "0" for p in parts):
        return False
    octets = [int(p) for p in parts]
    if any(o > 255 for o in octets):
        return False
    return octets[0] not in (0, 127, 255)


def ipv6(text: str) -> bool:
    """A parseable IPv6 address other than the unspecified and loopback ones."""
    try:
        address = ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return not (address.is_unspecified or address.is_loopback)


def isbn13(digits: str) -> bool:
    """An EAN-13 book number (978/979 prefix, mod-10 weights 1 and 3)."""
    if len(digits) != 13 or digits[:3] not in ("978", "979"):
        return False
    total = sum((ord(ch) - 48) * (3 if i % 2 else 1) for i, ch in enumerate(digits))
    return total % 10 == 0


def jwt_header(segment: str) -> bool:
    """The first JWT segment decodes to a JSON object naming an ``alg`` or a ``typ``."""
    try:
        raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
        header = orjson.loads(raw)
    except (binascii.Error, ValueError):
        return False
    return isinstance(header, dict) and ("alg" in header or "typ" in header)


def looks_random(body: str, *, min_distinct: int = 10) -> bool:
    """Enough distinct characters to be a generated token, not ``XXXX...`` or an example."""
    upper = body.upper()
    if "EXAMPLE" in upper or "XXXX" in upper or "YOUR" in upper or "0000" in upper:
        return False
    return len(set(body)) >= min_distinct
