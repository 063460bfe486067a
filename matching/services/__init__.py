"""Writes about sign-ups: intake, routing, the sweep, triage and their emails.

Every service is atomic, guards itself by the sign-up's status (running it twice does no harm)
and queues follow-up work only through `enqueue_on_commit`.
"""

from .emails import (
    signup_notify_coordinator,
    signup_send_confirmation,
    signup_send_decline,
    signup_send_reminder,
    signups_send_unsent_emails,
)
from .intake import CompanyDetails, ContactDetails, OfferDetails, signup_create
from .matches import (
    TransitionRefused,
    match_cancel,
    match_close,
    match_confirm,
    match_decline,
    match_evaluate,
    match_propose,
    match_report_carried_out,
    match_send_invitation,
    match_send_reminder,
    match_send_status,
    match_update,
    matches_remind,
)
from .routing import SweepResult, signup_route, signups_route_pending, signups_sweep
from .triage import (
    signup_close,
    signup_decline,
    signup_publish_offers,
    signup_reassign,
    signup_take_in_triage,
)

__all__ = [
    "CompanyDetails",
    "ContactDetails",
    "OfferDetails",
    "SweepResult",
    "TransitionRefused",
    "match_cancel",
    "match_close",
    "match_confirm",
    "match_decline",
    "match_evaluate",
    "match_propose",
    "match_report_carried_out",
    "match_send_invitation",
    "match_send_reminder",
    "match_send_status",
    "match_update",
    "matches_remind",
    "signup_close",
    "signup_create",
    "signup_decline",
    "signup_notify_coordinator",
    "signup_publish_offers",
    "signup_reassign",
    "signup_route",
    "signup_send_confirmation",
    "signup_send_decline",
    "signup_send_reminder",
    "signup_take_in_triage",
    "signups_route_pending",
    "signups_send_unsent_emails",
    "signups_sweep",
]
