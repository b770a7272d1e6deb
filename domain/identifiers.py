"""Russian registry identifiers with their check digits: INN (ИНН) and OGRN (ОГРН)."""

from __future__ import annotations

from domain.errors import InvalidInput

_INN10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


class InvalidInn(InvalidInput):
    code = "invalid_inn"


class InvalidOgrn(InvalidInput):
    code = "invalid_ogrn"


def _check_digit(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11 % 10


def inn_check_digits(body: str) -> str:
    """Check digits for an INN body: 9 digits (legal entity) or 10 digits (individual)."""
    if len(body) == 9:
        return str(_check_digit(body, _INN10_WEIGHTS))
    first = _check_digit(body, _INN12_WEIGHTS_11)
    second = _check_digit(body + str(first), _INN12_WEIGHTS_12)
    return f"{first}{second}"


def validate_inn(inn: str) -> str:
    """Return the INN unchanged if it has 10 or 12 digits with valid check digits."""
    if not inn.isdigit() or len(inn) not in (10, 12):
        raise InvalidInn(f"INN {inn!r} must be 10 (organisation) or 12 (individual) digits")
    body = inn[:9] if len(inn) == 10 else inn[:10]
    if inn_check_digits(body) != inn[len(body) :]:
        raise InvalidInn(f"INN {inn!r} has a wrong check digit")
    return inn


def ogrn_check_digit(body: str) -> str:
    """Check digit for an OGRN body of 12 digits (OGRN) or 14 digits (OGRNIP)."""
    modulus = 11 if len(body) == 12 else 13
    return str(int(body) % modulus % 10)


def validate_ogrn(ogrn: str) -> str:
    """Return the OGRN unchanged if it has 13 or 15 (OGRNIP) digits and a valid check digit."""
    if not ogrn.isdigit() or len(ogrn) not in (13, 15):
        raise InvalidOgrn(f"OGRN {ogrn!r} must be 13 (OGRN) or 15 (OGRNIP) digits")
    if ogrn_check_digit(ogrn[:-1]) != ogrn[-1]:
        raise InvalidOgrn(f"OGRN {ogrn!r} has a wrong check digit")
    return ogrn
