"""The columns of a payment statement: the default layout and a user's column mapping."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from domain.errors import InvalidInput


class StatementError(InvalidInput):
    """A statement cannot be read: the message names the file, and the line and column where
    it can. Nothing is written when it is raised."""

    code = "invalid_statement"


# Field → its meaning; the order is that of the normalised statement table.
FIELDS = ("number", "dated", "amount", "payer_inn", "payee_inn", "payee_account", "purpose")
REQUIRED = ("number", "dated", "amount", "payer_inn", "purpose")  # + payee_inn or payee_account

# Headers of the default layout, compared after `normalise_header` (lower case, ё → е, no
# punctuation). A header names one field; "ИНН/счёт получателя" carries an INN or an account.
DEFAULT_HEADERS: Mapping[str, tuple[str, ...]] = {
    "number": ("номер платежного поручения", "номер пп", "№ пп", "номер п п", "номер документа",
               "номер", "payment order number", "order number", "number"),
    "dated": ("дата", "дата платежа", "дата платежного поручения", "date", "payment date"),
    "amount": ("сумма", "сумма руб", "amount"),
    "payer_inn": ("инн плательщика", "payer inn"),
    "payee_inn": ("инн получателя", "инн счет получателя", "payee inn", "payee inn account"),
    "payee_account": ("счет получателя", "расчетный счет получателя", "payee account"),
    "purpose": ("назначение платежа", "назначение", "purpose", "payment purpose"),
}

_ALIASES = {"date": "dated", "payer": "payer_inn", "payee": "payee_inn",
            "account": "payee_account"}


def normalise_header(text: str) -> str:
    """Case, ё/е, punctuation and spacing do not matter in a header: "ИНН/счёт получателя" and
    "инн счет  получателя" are the same column."""
    lowered = text.replace("\ufeff", "").lower().replace("ё", "е")
    return " ".join(re.sub(r"[^\w№]+", " ", lowered).split())


@dataclass(frozen=True)
class ColumnMapping:
    """Field → header as the statement spells it, for the fields a user maps explicitly; the
    others keep the default layout."""

    headers: Mapping[str, str]

    @classmethod
    def parse(cls, text: str | None) -> ColumnMapping:
        """`number=№ п/п,amount=Сумма` or the path of a file with one `field=header` a line."""
        if text is None or not text.strip():
            return cls({})
        path = Path(text)
        source = text
        pairs: Sequence[str]
        if "=" not in text and path.is_file():
            pairs = path.read_text(encoding="utf-8-sig").splitlines()
            source = str(path)
        else:
            pairs = text.split(",")
        headers: dict[str, str] = {}
        for raw in pairs:
            if not raw.strip() or raw.lstrip().startswith("#"):
                continue
            field, sep, header = raw.partition("=")
            field = _ALIASES.get(field.strip(), field.strip())
            if not sep or field not in FIELDS or not header.strip():
                raise StatementError(
                    f"column mapping {source}: {raw.strip()!r} is not field=header with a "
                    f"field among {', '.join(FIELDS)}")
            headers[field] = header.strip()
        return cls(headers)


def resolve_columns(header: Sequence[str], mapping: ColumnMapping, source: str
                    ) -> dict[str, int]:
    """Field → column index for a header row; a missing required column is an error naming
    the file, line 1 and the columns it has."""
    normalised = [normalise_header(h) for h in header]
    found: dict[str, int] = {}
    for field in FIELDS:
        wanted = ((normalise_header(mapping.headers[field]),) if field in mapping.headers
                  else DEFAULT_HEADERS[field])
        for name in wanted:
            if name in normalised and normalised.index(name) not in found.values():
                found[field] = normalised.index(name)
                break
    missing = [f for f in REQUIRED if f not in found]
    if "payee_inn" not in found and "payee_account" not in found:
        missing.append("payee_inn")
    if missing:
        shown = ", ".join(repr(h) for h in header)
        names = ", ".join(_describe(f, mapping) for f in missing)
        raise StatementError(f"{source}: line 1: missing required column(s) {names}; the "
                             f"header has {shown}")
    return found


def _describe(field: str, mapping: ColumnMapping) -> str:
    if field in mapping.headers:
        return f"{field} (mapped to {mapping.headers[field]!r})"
    return f"{field} (e.g. {DEFAULT_HEADERS[field][0]!r})"
