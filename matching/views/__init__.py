"""Public pages of the matching app, one module per subject."""

from .matches import match_page
from .signups import signup, status, thanks

__all__ = ["match_page", "signup", "status", "thanks"]
