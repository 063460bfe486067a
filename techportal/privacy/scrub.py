"""Taking one person's name, email address and phone number out of free text.

Two strengths: `strong` finds the full name, the address and the phone number (in the usual
Dutch and international ways of writing it), and is safe on any text; `thorough` also finds
each part of the name ("Beste Fenna,"), and is used only on rows that belong to the person.
"""

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import phonenumbers

from .placeholders import ERASED_NAME, REDACTED

# Parts of Dutch surnames that are ordinary words: never scrubbed on their own.
TUSSENVOEGSELS = frozenset(
    {"van", "de", "der", "den", "het", "ter", "ten", "te", "in", "op", "aan", "bij", "'t"}
    | {"la", "le", "du", "da", "di", "del", "von", "zu", "vom"}
)
SEPARATORS = r"[\s.\-()/]*"


def _phone_patterns(number: str) -> list[str]:
    """Regexes for one stored (E.164) number: `+31 6 1234 5678`, `06-12345678`, `0031…`."""
    try:
        parsed = phonenumbers.parse(number, "NL")
    except phonenumbers.NumberParseException:
        return [re.escape(number)] if number else []
    national = str(parsed.national_number)
    digits = SEPARATORS.join(re.escape(digit) for digit in national)
    prefixes = [rf"\+{parsed.country_code}", f"00{parsed.country_code}"]
    if parsed.country_code == 31:
        prefixes.append("0")
    return [rf"(?<!\d)(?:{'|'.join(prefixes)}){SEPARATORS}{digits}(?!\d)"]


def _word(text: str) -> str:
    """`text` as whole words, spaces matching any run of white space."""
    return r"(?<!\w)" + r"\s+".join(re.escape(part) for part in text.split()) + r"(?!\w)"


def name_parts(name: str) -> set[str]:
    parts = re.split(r"[\s\-]+", name)
    return {
        part
        for part in parts
        if len(part) >= 2 and part.lower() not in TUSSENVOEGSELS and part != ERASED_NAME
    }


@dataclass(frozen=True)
class Terms:
    """What identifies one person in text."""

    emails: frozenset[str]
    names: frozenset[str]
    phones: frozenset[str]

    @classmethod
    def of(cls, *, emails: Iterable[str], names: Iterable[str], phones: Iterable[str]) -> "Terms":
        def clean(values: Iterable[str]) -> frozenset[str]:
            return frozenset(v.strip() for v in values if v and v.strip() and v != ERASED_NAME)

        return cls(emails=clean(emails), names=clean(names), phones=clean(phones))

    def _alternatives(self, *, thorough: bool) -> list[str]:
        alternatives = [re.escape(email) for email in self.emails]
        alternatives += [_word(name) for name in self.names]
        for number in self.phones:
            alternatives += _phone_patterns(number)
        if thorough:
            parts = {part for name in self.names for part in name_parts(name)}
            alternatives += [_word(part) for part in parts]
        # Longest first: the full name goes as one, not as its parts.
        return sorted(set(alternatives), key=len, reverse=True)

    def pattern(self, *, thorough: bool = False) -> re.Pattern[str] | None:
        alternatives = self._alternatives(thorough=thorough)
        if not alternatives:
            return None
        return re.compile("|".join(alternatives), re.IGNORECASE)

    def needles(self) -> list[str]:
        """Literal strings to find rows worth scrubbing with SQL (`icontains`), including the
        JSON-escaped form in which the admin's change messages store non-ASCII names."""
        needles = set(self.emails) | set(self.names) | set(self.phones)
        needles |= {json.dumps(name)[1:-1] for name in self.names}
        return sorted(needles)


def scrub(text: str, pattern: re.Pattern[str] | None) -> str:
    if not text or pattern is None:
        return text
    return pattern.sub(REDACTED, text)


def scrub_json_text(text: str, pattern: re.Pattern[str] | None) -> str:
    """Scrub a JSON document's strings (an admin change message), keeping it valid JSON.

    Text that is not JSON is scrubbed as it is.
    """
    if not text or pattern is None:
        return text
    try:
        data = json.loads(text)
    except ValueError:
        return scrub(text, pattern)

    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return scrub(value, pattern)
        if isinstance(value, list):
            return [walk(item) for item in value]
        if isinstance(value, dict):
            return {key: walk(item) for key, item in value.items()}
        return value

    return json.dumps(walk(data))
