"""How ids and dates are written in content files: the patterns, a date parsed, an id
suggested for a name that is not one.
"""

from __future__ import annotations

import re
import unicodedata

from builder.model import PartialDate

ID_PATTERN = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
DATE_PATTERN = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")
ID_JSON_PATTERN = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
DATE_JSON_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?$"
"""The same, as the JSON Schemas of the content files and the dataset's Table Schema write
them (anchored, with the months and days a date may have)."""


def parse_date(value: str) -> PartialDate | None:
    """`YYYY-MM-DD` or `YYYY-MM` -> PartialDate; None when malformed or impossible."""
    import calendar

    match = DATE_PATTERN.fullmatch(value.strip())
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    day = int(match.group(3)) if match.group(3) else 0
    if not 1 <= month <= 12 or year < 1:
        return None
    if match.group(3) and not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return PartialDate(year, month, day)


def suggest_id(value: str) -> str:
    text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if not slug or not slug[0].isalpha():
        slug = "x-" + slug if slug else "my-id"
    return slug
