"""/beheer/ for the matching app: sign-ups (triage) and matches, each in its own module."""

from .matches import MatchAdmin
from .signups import SignUpAdmin

__all__ = ["MatchAdmin", "SignUpAdmin"]
