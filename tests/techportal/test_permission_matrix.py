# ruff: noqa: E501 -- MATRIX is a table: one row per URL, one column per role.
"""Who gets what, for every URL of the project: the permission matrix.

Every URL pattern in the resolver (public pages, private links, /beheer/) has a row in MATRIX:
the outcome each role gets for a GET, and how to build the concrete URL. A new URL without a
row fails `test_every_url_has_a_row`, naming it; so does a row whose URL is gone. Object URLs
name side A's objects (region Amsterdam, event X): cd_a and org_x ask for their own rows,
cd_b and org_y for somebody else's. Private links: each holder uses their own; the other link
holder tries their own link at this URL; everybody else a link edited to name side B's object.

Columns (the roles and their data: tests/techportal/permission_world.py): anon, user (logged
in, not staff), pw (coordinator A with a password but no second factor yet), teach(er) and
comp(any) (anonymous, holding side A's links), cd_a, cd_b (coordinators of region A, B), org_x,
org_y (staff of the organisers of event X, Y), desk (national desk), super (superuser).

Outcome codes:
  200 400 403 404 405   that status
  login   302 to the /beheer/ login page
  2fa     302 to the second factor (/beheer/tweestapsverificatie/)
  index   302 to the /beheer/ index, without a warning (already logged in; logout by GET)
  gone    302 to the /beheer/ index, warning that the object with that ID "bestaat niet":
          Django's answer for an object outside the user's queryset
  warned  302 to the /beheer/ index with some other warning
  302     any other redirect
  state   the JSON state of the services of /health/ (200 or 503, whatever they are in)

Besides the status, every response is searched for the marker strings of the data the role
may not see (permission_world.NEVER_SEEN), and each changelist must list side A's row to
exactly the roles that may open its change page. PROBES are filters, searches and
autocompletes naming another region's rows; REFUSED are the POSTs that must change nothing
(forged ids in actions, changes to another region's rows, edited private links), most with a
control role whose identical POST does get through.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from events.models import Event, OrganiserStaff, Registration, TimeSlot, Workshop
from matching.models import Match, SignUp, SignUpEvent, SignUpNote
from offers.models import Offer, OfferRequest, SavedSearch
from organisations.models import Contact, Coordinator, Organisation, PostcodeRange, Region

from .permission_forms import form_data
from .permission_world import LINK_ROLES, MARKERS, NEVER_SEEN, ROLES, World, build_world

# --- building the URL a role asks for ------------------------------------------------------

UrlBuilder = Callable[[World, str, str], str]  # (world, key, role) -> path


def at(path: str) -> UrlBuilder:
    """A fixed path."""
    return lambda world, key, role: path


def named(query: str = "") -> UrlBuilder:
    """The named URL without arguments."""
    return lambda world, key, role: reverse(key) + query


def of_a(attribute: str, query: str = "") -> UrlBuilder:
    """The named URL of side A's object `attribute` (by primary key)."""

    def build(world: World, key: str, role: str) -> str:
        return reverse(key, args=[getattr(world.a, attribute).pk]) + query

    return build


def of_b(attribute: str) -> UrlBuilder:
    """The named URL of side B's object `attribute`: a role's own row, in the refused POSTs."""
    return lambda world, key, role: reverse(key, args=[getattr(world.b, attribute).pk])


def args(*values: Callable[[World], Any]) -> UrlBuilder:
    """The named URL with arguments computed from the world."""
    return lambda world, key, role: reverse(key, args=[value(world) for value in values])


def object_route(value: Callable[[World], Any]) -> UrlBuilder:
    """An unnamed admin route /beheer/<app>/<model>/<path:object_id>/ (its key is the route)."""
    return lambda world, key, role: "/" + key.replace("<path:object_id>", str(value(world)))


def pk_of_a(attribute: str) -> Callable[[World], int]:
    return lambda world: getattr(world.a, attribute).pk


def const(value: str) -> Callable[[World], str]:
    return lambda world: value


def login_record(model_name: str) -> Callable[[World], int]:
    return lambda world: world.login_records[model_name].pk


def slug_of_x(world: World) -> str:
    return world.a.event.slug


# A link holder at a URL that is not theirs tries the link they hold for the same request.
OWN_LINK_ELSEWHERE = {"teacher": "offers:request_status", "company": "offers:request_answer"}


def link(world: World, key: str, role: str) -> str:
    """A private link: the holder's own; another link holder's link of theirs; for everyone
    else the teacher's or company's link edited by hand to name side B's object."""
    held = world.links.get(role, {})
    if key in held:
        token = held[key]
    elif role in LINK_ROLES:
        token = held[OWN_LINK_ELSEWHERE[role]]
    else:
        token = world.edited[key]
    return reverse(key, args=[token])


def in_region_a(url: UrlBuilder) -> UrlBuilder:
    """`url` filtered on region A (the impact figures)."""
    return lambda world, key, role: f"{url(world, key, role)}?regio={world.a.region.pk}"


def content_type_of(model) -> Callable[[World], int]:
    return lambda world: ContentType.objects.get_for_model(model).pk


def coordinators_group(world: World) -> int:
    return Group.objects.get(name="Coördinatoren").pk


def user_a(world: World) -> int:
    return world.a.coordinator.user.pk


def totp_a(world: World) -> int:
    """Coordinator A's authenticator app (made when the test client logged them in)."""
    return TOTPDevice.objects.get(user=world.a.coordinator.user).pk


# --- the matrix ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    expected: str  # one outcome code per role, in the order of ROLES
    url: UrlBuilder

    def outcomes(self) -> dict[str, str]:
        codes = self.expected.split()
        assert len(codes) == len(ROLES), f"{len(codes)} codes for {len(ROLES)} roles"
        return dict(zip(ROLES, codes, strict=True))


AUTOCOMPLETE = "?app_label=organisations&model_name=contact&field_name=organisation&term="

# fmt: off
MATRIX: dict[str, Row] = {
    # --- public pages: the same for everybody ---------------- anon  user  pw    teach comp  cd_a  cd_b  org_x org_y desk  super
    "home":                                                Row("200   200   200   200   200   200   200   200   200   200   200  ", named()),
    "privacy":                                             Row("200   200   200   200   200   200   200   200   200   200   200  ", named()),
    "accessibility":                                       Row("200   200   200   200   200   200   200   200   200   200   200  ", named()),
    # The state of the services, for everybody alike (what it says: test_health.py).
    "health":                                              Row("state state state state state state state state state state state", named()),
    "set_language":                                        Row("302   302   302   302   302   302   302   302   302   302   302  ", named()),
    "matching:signup":                                     Row("200   200   200   200   200   200   200   200   200   200   200  ", named()),
    "matching:impact":                                     Row("200   200   200   200   200   200   200   200   200   200   200  ", named()),
    "offers:catalogue":                                    Row("200   200   200   200   200   200   200   200   200   200   200  ", named()),
    "offers:detail":                                       Row("200   200   200   200   200   200   200   200   200   200   200  ", of_a("offer")),
    "offers:request":                                      Row("200   200   200   200   200   200   200   200   200   200   200  ", of_a("offer")),
    "offers:school_search":                                Row("200   200   200   200   200   200   200   200   200   200   200  ", named("?school_zoek=Alfa")),
    "offers:save_search":                                  Row("200   200   200   200   200   200   200   200   200   200   200  ", named()),
    "events:list":                                         Row("200   200   200   200   200   200   200   200   200   200   200  ", named()),
    "events:feed":                                         Row("200   200   200   200   200   200   200   200   200   200   200  ", named()),
    "events:ics":                                          Row("200   200   200   200   200   200   200   200   200   200   200  ", args(slug_of_x)),
    "events:detail":                                       Row("200   200   200   200   200   200   200   200   200   200   200  ", args(slug_of_x)),
    # --- private links: only their holder -------------------- anon  user  pw    teach comp  cd_a  cd_b  org_x org_y desk  super
    "matching:thanks":                                     Row("404   404   404   404   200   404   404   404   404   404   404  ", link),
    "matching:status":                                     Row("404   404   404   404   200   404   404   404   404   404   404  ", link),
    "matching:match":                                      Row("404   404   404   200   200   404   404   404   404   404   404  ", link),
    "offers:request_status":                               Row("404   404   404   200   404   404   404   404   404   404   404  ", link),
    "offers:request_answer":                               Row("404   404   404   404   200   404   404   404   404   404   404  ", link),
    "offers:confirm_search":                               Row("404   404   404   200   404   404   404   404   404   404   404  ", link),
    "offers:unsubscribe":                                  Row("404   404   404   200   404   404   404   404   404   404   404  ", link),
    "events:registration_status":                          Row("404   404   404   200   404   404   404   404   404   404   404  ", link),
    # --- /beheer/: the site ---------------------------------- anon  user  pw    teach comp  cd_a  cd_b  org_x org_y desk  super
    "admin:index":                                         Row("login login 2fa   login login 200   200   200   200   200   200  ", named()),
    "admin:login":                                         Row("200   200   2fa   200   200   index index index index index index", named()),
    "admin:logout":                                        Row("index index 405   index index 405   405   405   405   405   405  ", named()),
    "admin:password_change":                               Row("login login 2fa   login login 200   200   200   200   200   200  ", named()),
    "admin:password_change_done":                          Row("login login 2fa   login login 200   200   200   200   200   200  ", named()),
    "admin:autocomplete":                                  Row("login login 2fa   login login 200   200   403   403   200   200  ", named(AUTOCOMPLETE)),
    "admin:jsi18n":                                        Row("login login 2fa   login login 200   200   200   200   200   200  ", named()),
    "admin:view_on_site":                                  Row("login login 2fa   login login 404   404   404   404   404   404  ", args(content_type_of(SignUp), pk_of_a("signup"))),
    "admin:app_list":                                      Row("login login 2fa   login login 200   200   404   404   200   200  ", args(const("matching"))),
    "beheer/(?P<url>.*)$":                                 Row("login login 2fa   login login 404   404   404   404   404   404  ", at("/beheer/bestaat-niet/")),
    # The second factor: only for staff who passed their password (and are not through yet).
    "admin:second_factor_verify":                          Row("login login 200   login login index index index index index index", named()),
    "admin:second_factor_enrol":                           Row("login login 2fa   login login index index index index index index", named()),
    "admin:second_factor_backup_codes":                    Row("login login index login login index index index index index index", named()),
    # Finding, exporting and erasing a person's data (AVG): superusers only.
    "privacy_person":                                      Row("login login 2fa   login login 403   403   403   403   403   200  ", named()),
    # The impact figures and a CSV of region A: coordinators see only their own regions'.
    "impact_dashboard":                                    Row("login login 2fa   login login 200   400   403   403   200   200  ", in_region_a(named())),
    "impact_csv":                                          Row("login login 2fa   login login 200   400   403   403   200   200  ", in_region_a(args(const("aanmeldingen")))),
    # --- /beheer/: accounts, devices, logins: superusers only  anon  user  pw    teach comp  cd_a  cd_b  org_x org_y desk  super
    "admin:auth_group_changelist":                         Row("login login 2fa   login login 403   403   403   403   403   200  ", named()),
    "admin:auth_group_add":                                Row("login login 2fa   login login 403   403   403   403   403   200  ", named()),
    "admin:auth_group_change":                             Row("login login 2fa   login login 403   403   403   403   403   200  ", args(coordinators_group)),
    "admin:auth_group_history":                            Row("login login 2fa   login login 403   403   403   403   403   200  ", args(coordinators_group)),
    "admin:auth_group_delete":                             Row("login login 2fa   login login 403   403   403   403   403   200  ", args(coordinators_group)),
    "beheer/auth/group/<path:object_id>/":                 Row("login login 2fa   login login 302   302   302   302   302   302  ", object_route(coordinators_group)),
    "admin:auth_user_changelist":                          Row("login login 2fa   login login 403   403   403   403   403   200  ", named()),
    "admin:auth_user_add":                                 Row("login login 2fa   login login 403   403   403   403   403   200  ", named()),
    "admin:auth_user_change":                              Row("login login 2fa   login login 403   403   403   403   403   200  ", args(user_a)),
    "admin:auth_user_history":                             Row("login login 2fa   login login 403   403   403   403   403   200  ", args(user_a)),
    "admin:auth_user_delete":                              Row("login login 2fa   login login 403   403   403   403   403   200  ", args(user_a)),
    "admin:auth_user_password_change":                     Row("login login 2fa   login login 403   403   403   403   403   200  ", args(user_a)),
    "beheer/auth/user/<path:object_id>/":                  Row("login login 2fa   login login 302   302   302   302   302   302  ", object_route(user_a)),
    # Nobody reads another's authenticator secret, superusers neither (OTP_ADMIN_HIDE_SENSITIVE_DATA).
    "admin:otp_totp_totpdevice_config":                    Row("login login 2fa   login login 403   403   403   403   403   403  ", args(totp_a)),
    "admin:otp_totp_totpdevice_qrcode":                    Row("login login 2fa   login login 403   403   403   403   403   403  ", args(totp_a)),
    "admin:otp_totp_totpdevice_changelist":                Row("login login 2fa   login login 403   403   403   403   403   200  ", named()),
    "admin:otp_totp_totpdevice_add":                       Row("login login 2fa   login login 403   403   403   403   403   200  ", named()),
    "admin:otp_totp_totpdevice_change":                    Row("login login 2fa   login login 403   403   403   403   403   200  ", args(totp_a)),
    "admin:otp_totp_totpdevice_history":                   Row("login login 2fa   login login 403   403   403   403   403   200  ", args(totp_a)),
    "admin:otp_totp_totpdevice_delete":                    Row("login login 2fa   login login 403   403   403   403   403   200  ", args(totp_a)),
    "beheer/otp_totp/totpdevice/<path:object_id>/":        Row("login login 2fa   login login 302   302   302   302   302   302  ", object_route(totp_a)),
    "admin:otp_static_staticdevice_changelist":            Row("login login 2fa   login login 403   403   403   403   403   200  ", named()),
    "admin:otp_static_staticdevice_add":                   Row("login login 2fa   login login 403   403   403   403   403   200  ", named()),
    "admin:otp_static_staticdevice_change":                Row("login login 2fa   login login 403   403   403   403   403   200  ", of_a("static_device")),
    "admin:otp_static_staticdevice_history":               Row("login login 2fa   login login 403   403   403   403   403   200  ", of_a("static_device")),
    "admin:otp_static_staticdevice_delete":                Row("login login 2fa   login login 403   403   403   403   403   200  ", of_a("static_device")),
    "beheer/otp_static/staticdevice/<path:object_id>/":    Row("login login 2fa   login login 302   302   302   302   302   302  ", object_route(pk_of_a("static_device"))),
    # django-axes' login records: read-only, superusers only.
    "admin:axes_accessattempt_changelist":                 Row("login login 2fa   login login 403   403   403   403   403   200  ", named()),
    "admin:axes_accessattempt_add":                        Row("login login 2fa   login login 403   403   403   403   403   403  ", named()),
    "admin:axes_accessattempt_change":                     Row("login login 2fa   login login 403   403   403   403   403   200  ", args(login_record("accessattempt"))),
    "admin:axes_accessattempt_history":                    Row("login login 2fa   login login 403   403   403   403   403   200  ", args(login_record("accessattempt"))),
    "admin:axes_accessattempt_delete":                     Row("login login 2fa   login login 403   403   403   403   403   200  ", args(login_record("accessattempt"))),
    "beheer/axes/accessattempt/<path:object_id>/":         Row("login login 2fa   login login 302   302   302   302   302   302  ", object_route(login_record("accessattempt"))),
    "admin:axes_accessfailurelog_changelist":              Row("login login 2fa   login login 403   403   403   403   403   200  ", named()),
    "admin:axes_accessfailurelog_add":                     Row("login login 2fa   login login 403   403   403   403   403   403  ", named()),
    "admin:axes_accessfailurelog_change":                  Row("login login 2fa   login login 403   403   403   403   403   200  ", args(login_record("accessfailurelog"))),
    "admin:axes_accessfailurelog_history":                 Row("login login 2fa   login login 403   403   403   403   403   200  ", args(login_record("accessfailurelog"))),
    "admin:axes_accessfailurelog_delete":                  Row("login login 2fa   login login 403   403   403   403   403   200  ", args(login_record("accessfailurelog"))),
    "beheer/axes/accessfailurelog/<path:object_id>/":      Row("login login 2fa   login login 302   302   302   302   302   302  ", object_route(login_record("accessfailurelog"))),
    "admin:axes_accesslog_changelist":                     Row("login login 2fa   login login 403   403   403   403   403   200  ", named()),
    "admin:axes_accesslog_add":                            Row("login login 2fa   login login 403   403   403   403   403   403  ", named()),
    "admin:axes_accesslog_change":                         Row("login login 2fa   login login 403   403   403   403   403   200  ", args(login_record("accesslog"))),
    "admin:axes_accesslog_history":                        Row("login login 2fa   login login 403   403   403   403   403   200  ", args(login_record("accesslog"))),
    "admin:axes_accesslog_delete":                         Row("login login 2fa   login login 403   403   403   403   403   200  ", args(login_record("accesslog"))),
    "beheer/axes/accesslog/<path:object_id>/":             Row("login login 2fa   login login 302   302   302   302   302   302  ", object_route(login_record("accesslog"))),
    # --- /beheer/organisations/ ------------------------------ anon  user  pw    teach comp  cd_a  cd_b  org_x org_y desk  super
    # Regions and coordinators are looked up by every coordinator (not scoped), never changed.
    "admin:organisations_region_changelist":               Row("login login 2fa   login login 200   200   403   403   200   200  ", named()),
    "admin:organisations_region_add":                      Row("login login 2fa   login login 403   403   403   403   403   200  ", named()),
    "admin:organisations_region_change":                   Row("login login 2fa   login login 200   200   403   403   200   200  ", of_a("region")),
    "admin:organisations_region_history":                  Row("login login 2fa   login login 200   200   403   403   200   200  ", of_a("region")),
    "admin:organisations_region_delete":                   Row("login login 2fa   login login 403   403   403   403   403   200  ", of_a("region")),
    "beheer/organisations/region/<path:object_id>/":       Row("login login 2fa   login login 302   302   302   302   302   302  ", object_route(pk_of_a("region"))),
    "admin:organisations_coordinator_changelist":          Row("login login 2fa   login login 200   200   403   403   200   200  ", named()),
    "admin:organisations_coordinator_add":                 Row("login login 2fa   login login 403   403   403   403   403   200  ", named()),
    "admin:organisations_coordinator_change":              Row("login login 2fa   login login 200   200   403   403   200   200  ", of_a("coordinator")),
    "admin:organisations_coordinator_history":             Row("login login 2fa   login login 200   200   403   403   200   200  ", of_a("coordinator")),
    "admin:organisations_coordinator_delete":              Row("login login 2fa   login login 403   403   403   403   403   200  ", of_a("coordinator")),
    "beheer/organisations/coordinator/<path:object_id>/":  Row("login login 2fa   login login 302   302   302   302   302   302  ", object_route(pk_of_a("coordinator"))),
    # Organisations and contacts: scoped to the coordinator's regions. A history page asks
    # for the object first: outside the queryset it is "gone" even without any permission.
    "admin:organisations_organisation_changelist":         Row("login login 2fa   login login 200   200   403   403   200   200  ", named()),
    "admin:organisations_organisation_add":                Row("login login 2fa   login login 200   200   403   403   200   200  ", named()),
    "admin:organisations_organisation_change":             Row("login login 2fa   login login 200   gone  403   403   200   200  ", of_a("company")),
    "admin:organisations_organisation_history":            Row("login login 2fa   login login 200   gone  gone  gone  200   200  ", of_a("company")),
    "admin:organisations_organisation_delete":             Row("login login 2fa   login login 403   403   403   403   403   200  ", of_a("company")),
    "beheer/organisations/organisation/<path:object_id>/": Row("login login 2fa   login login 302   302   302   302   302   302  ", object_route(pk_of_a("company"))),
    "admin:organisations_contact_changelist":              Row("login login 2fa   login login 200   200   403   403   200   200  ", named()),
    "admin:organisations_contact_add":                     Row("login login 2fa   login login 200   200   403   403   200   200  ", named()),
    "admin:organisations_contact_change":                  Row("login login 2fa   login login 200   gone  403   403   200   200  ", of_a("contact")),
    "admin:organisations_contact_history":                 Row("login login 2fa   login login 200   gone  gone  gone  200   200  ", of_a("contact")),
    "admin:organisations_contact_delete":                  Row("login login 2fa   login login 403   403   403   403   403   200  ", of_a("contact")),
    "beheer/organisations/contact/<path:object_id>/":      Row("login login 2fa   login login 302   302   302   302   302   302  ", object_route(pk_of_a("contact"))),
    # --- /beheer/offers/ ------------------------------------- anon  user  pw    teach comp  cd_a  cd_b  org_x org_y desk  super
    "admin:offers_offer_changelist":                       Row("login login 2fa   login login 200   200   403   403   200   200  ", named()),
    "admin:offers_offer_add":                              Row("login login 2fa   login login 403   403   403   403   403   200  ", named()),
    "admin:offers_offer_change":                           Row("login login 2fa   login login 200   gone  403   403   200   200  ", of_a("draft_offer")),
    "admin:offers_offer_history":                          Row("login login 2fa   login login 200   gone  gone  gone  200   200  ", of_a("draft_offer")),
    "admin:offers_offer_delete":                           Row("login login 2fa   login login 403   403   403   403   403   200  ", of_a("draft_offer")),
    "beheer/offers/offer/<path:object_id>/":               Row("login login 2fa   login login 302   302   302   302   302   302  ", object_route(pk_of_a("draft_offer"))),
    # Requests are read-only for everybody: the company answers them by its link.
    "admin:offers_offerrequest_changelist":                Row("login login 2fa   login login 200   200   403   403   200   200  ", named()),
    "admin:offers_offerrequest_add":                       Row("login login 2fa   login login 403   403   403   403   403   403  ", named()),
    "admin:offers_offerrequest_change":                    Row("login login 2fa   login login 200   gone  403   403   200   200  ", of_a("request")),
    "admin:offers_offerrequest_history":                   Row("login login 2fa   login login 200   gone  gone  gone  200   200  ", of_a("request")),
    "admin:offers_offerrequest_delete":                    Row("login login 2fa   login login 403   403   403   403   403   200  ", of_a("request")),
    "beheer/offers/offerrequest/<path:object_id>/":        Row("login login 2fa   login login 302   302   302   302   302   302  ", object_route(pk_of_a("request"))),
    # --- /beheer/matching/ ----------------------------------- anon  user  pw    teach comp  cd_a  cd_b  org_x org_y desk  super
    # Proposing a match from a suggestion is a POST (see REFUSED); a GET is not allowed.
    "admin:matching_match_propose":                        Row("login login 2fa   login login 405   405   405   405   405   405  ", named()),
    "admin:matching_match_changelist":                     Row("login login 2fa   login login 200   200   403   403   200   200  ", named()),
    "admin:matching_match_add":                            Row("login login 2fa   login login 200   200   403   403   200   200  ", named()),
    "admin:matching_match_change":                         Row("login login 2fa   login login 200   gone  403   403   200   200  ", of_a("match")),
    "admin:matching_match_history":                        Row("login login 2fa   login login 200   gone  gone  gone  200   200  ", of_a("match")),
    "admin:matching_match_delete":                         Row("login login 2fa   login login 403   403   403   403   403   200  ", of_a("match")),
    "beheer/matching/match/<path:object_id>/":             Row("login login 2fa   login login 302   302   302   302   302   302  ", object_route(pk_of_a("match"))),
    # Sign-ups come from the public form only: nobody adds one here.
    "admin:matching_signup_changelist":                    Row("login login 2fa   login login 200   200   403   403   200   200  ", named()),
    "admin:matching_signup_add":                           Row("login login 2fa   login login 403   403   403   403   403   403  ", named()),
    "admin:matching_signup_change":                        Row("login login 2fa   login login 200   gone  403   403   200   200  ", of_a("signup")),
    "admin:matching_signup_history":                       Row("login login 2fa   login login 200   gone  gone  gone  200   200  ", of_a("signup")),
    "admin:matching_signup_delete":                        Row("login login 2fa   login login 403   403   403   403   403   200  ", of_a("signup")),
    "beheer/matching/signup/<path:object_id>/":            Row("login login 2fa   login login 302   302   302   302   302   302  ", object_route(pk_of_a("signup"))),
    # --- /beheer/events/ ------------------------------------- anon  user  pw    teach comp  cd_a  cd_b  org_x org_y desk  super
    # Event X lies in region A: its organiser manages it, coordinator A follows it (read-only).
    "admin:events_event_registrations":                    Row("login login 2fa   login login 200   404   200   404   200   200  ", of_a("event")),
    "admin:events_event_export":                           Row("login login 2fa   login login 200   404   200   404   200   200  ", of_a("event")),
    "admin:events_event_schedule":                         Row("login login 2fa   login login 200   404   200   404   200   200  ", of_a("event")),
    "admin:events_event_hosts":                            Row("login login 2fa   login login 200   404   200   404   200   200  ", of_a("event")),
    "admin:events_event_changelist":                       Row("login login 2fa   login login 200   200   200   200   200   200  ", named()),
    "admin:events_event_add":                              Row("login login 2fa   login login 403   403   200   200   403   200  ", named()),
    "admin:events_event_change":                           Row("login login 2fa   login login 200   gone  200   gone  200   200  ", of_a("event")),
    "admin:events_event_history":                          Row("login login 2fa   login login 200   gone  200   gone  200   200  ", of_a("event")),
    "admin:events_event_delete":                           Row("login login 2fa   login login 403   403   403   403   403   200  ", of_a("event")),
    "beheer/events/event/<path:object_id>/":               Row("login login 2fa   login login 302   302   302   302   302   302  ", object_route(pk_of_a("event"))),
    # Classes register on the public site: nobody adds a registration here.
    "admin:events_registration_changelist":                Row("login login 2fa   login login 200   200   200   200   200   200  ", named()),
    "admin:events_registration_add":                       Row("login login 2fa   login login 403   403   403   403   403   403  ", named()),
    "admin:events_registration_change":                    Row("login login 2fa   login login 200   gone  200   gone  200   200  ", of_a("registration")),
    "admin:events_registration_history":                   Row("login login 2fa   login login 200   gone  200   gone  200   200  ", of_a("registration")),
    "admin:events_registration_delete":                    Row("login login 2fa   login login 403   403   403   403   403   200  ", of_a("registration")),
    "beheer/events/registration/<path:object_id>/":        Row("login login 2fa   login login 302   302   302   302   302   302  ", object_route(pk_of_a("registration"))),
    # Who manages which organiser's events: superusers only.
    "admin:events_organiserstaff_changelist":              Row("login login 2fa   login login 403   403   403   403   403   200  ", named()),
    "admin:events_organiserstaff_add":                     Row("login login 2fa   login login 403   403   403   403   403   200  ", named()),
    "admin:events_organiserstaff_change":                  Row("login login 2fa   login login 403   403   403   403   403   200  ", of_a("staff")),
    "admin:events_organiserstaff_history":                 Row("login login 2fa   login login 403   403   403   403   403   200  ", of_a("staff")),
    "admin:events_organiserstaff_delete":                  Row("login login 2fa   login login 403   403   403   403   403   200  ", of_a("staff")),
    "beheer/events/organiserstaff/<path:object_id>/":      Row("login login 2fa   login login 302   302   302   302   302   302  ", object_route(pk_of_a("staff"))),
}
# fmt: on


# A changelist lists side A's row to exactly the roles that may open its change page:
# changelist -> (change page, marker group, marker of the row).
LISTED = {
    "admin:organisations_organisation_changelist": (
        "admin:organisations_organisation_change",
        "A",
        "company",
    ),
    "admin:organisations_contact_changelist": (
        "admin:organisations_contact_change",
        "A",
        "contact",
    ),
    "admin:offers_offer_changelist": ("admin:offers_offer_change", "A", "draft_offer"),
    "admin:offers_offerrequest_changelist": ("admin:offers_offerrequest_change", "A", "school"),
    "admin:matching_match_changelist": ("admin:matching_match_change", "A", "school"),
    "admin:matching_signup_changelist": ("admin:matching_signup_change", "A", "signup"),
    "admin:events_event_changelist": ("admin:events_event_change", "X", "event"),
    "admin:events_registration_changelist": (
        "admin:events_registration_change",
        "X",
        "registration",
    ),
}


# --- walking the resolver --------------------------------------------------------------------


def url_keys() -> dict[str, str]:
    """Every URL pattern of the project: its key (namespace:name, or the route) -> route."""
    keys: dict[str, str] = {}

    def walk(patterns, prefix: str, namespaces: tuple[str, ...]) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
                walk(pattern.url_patterns, route, inner)
                continue
            assert isinstance(pattern, URLPattern)
            key = ":".join((*namespaces, pattern.name)) if pattern.name else route
            assert key not in keys, f"two URL patterns share the key {key!r}"
            keys[key] = route

    walk(get_resolver().url_patterns, "", ())
    return keys


def test_every_url_has_a_row():
    keys = url_keys()
    missing = sorted(set(keys) - set(MATRIX))
    stale = sorted(set(MATRIX) - set(keys))
    assert not missing, "URLs without a row in MATRIX (add who gets what): " + ", ".join(
        f"{key} ({keys[key]})" for key in missing
    )
    assert not stale, "rows in MATRIX for URLs that no longer exist: " + ", ".join(stale)


# --- the world, built once for this module ---------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The cast and their data, in one transaction rolled back after the module; each test
    runs in a savepoint inside it (the `db` fixture), so what a test changes is undone."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


def outcome(response) -> str:
    """The outcome code of a response (see the module docstring)."""
    is_json = response.get("Content-Type") == "application/json"
    if is_json and set(response.json()) >= {"status", "database", "broker", "workers"}:
        return "state"
    if response.status_code != 302:
        return str(response.status_code)
    location = response["Location"]
    if location.startswith(reverse("admin:login")):
        return "login"
    if location.startswith(reverse("admin:second_factor_verify")):
        return "2fa"
    if location == reverse("admin:index"):
        # The admin's "… met ID ‘<id>’ bestaat niet. Misschien is deze verwijderd?"
        object_id = re.search(r"/(\d+)/(?:change|history|delete)/$", response.wsgi_request.path)
        warnings = [
            str(message)
            for message in messages.get_messages(response.wsgi_request)
            if message.level == messages.WARNING
        ]
        says_gone = object_id and re.compile(rf"ID [‘“]{object_id[1]}[’”]")
        gone = says_gone and any(says_gone.search(warning) for warning in warnings)
        return "gone" if gone else "index" if not warnings else "warned"
    return "302"


def leaks(role: str, path: str, response) -> list[str]:
    """The marker strings in the response that `role` must not see."""
    anywhere, in_admin = NEVER_SEEN.get(role, (frozenset(), frozenset()))
    forbidden = anywhere | (in_admin if path.startswith("/beheer/") else frozenset())
    if not forbidden or getattr(response, "streaming", False):
        return []
    body = response.content.decode("utf-8", "replace")
    if response.get("Location"):
        body += response["Location"]
    return sorted(marker for marker in forbidden if marker in body)


def get(world: World, role: str, path: str):
    client = world.clients[role]
    response = client.get(path)
    client.cookies.pop("messages", None)  # a warning left behind would show on the next page
    return response


@pytest.mark.parametrize("key", sorted(MATRIX))
def test_who_gets_what(key, world, db, settings):
    row = MATRIX[key]
    settings.HEALTH_CHECK_TIMEOUT = 0.05  # no worker need answer: /health/ says so quickly
    got, leaked, bodies = {}, {}, {}
    for role in ROLES:
        path = row.url(world, key, role)
        response = get(world, role, path)
        got[role] = outcome(response)
        bodies[role] = response.content.decode("utf-8", "replace")
        if found := leaks(role, path, response):
            leaked[role] = (path, found)
    assert got == row.outcomes(), f"{key}: the outcome per role differs from the matrix"
    assert not leaked, f"{key}: roles saw data outside their scope: {leaked}"
    if key in LISTED:
        change, group, name = LISTED[key]
        marker = MARKERS[group][name]
        may_open = MATRIX[change].outcomes()
        listed = {role: marker in bodies[role] for role in ROLES if got[role] == "200"}
        assert listed == {role: may_open[role] == "200" for role in listed}, (
            f"{key}: side A's row ({marker}) must be listed to exactly those who may open it"
        )


def test_each_side_of_a_match_has_its_own_page(world, db):
    for role, side in [("teacher", "school"), ("company", "company")]:
        response = get(world, role, link(world, "matching:match", role))
        assert response.context["side"] == side


def test_what_is_not_published_is_not_public_for_anybody(world, db):
    """A draft offer and a draft event are 404 on the public site, also for the staff who
    manage them (they see them in /beheer/)."""
    Event.objects.filter(pk=world.a.event.pk).update(status=Event.Status.DRAFT)
    draft_offer, slug = world.a.draft_offer.pk, world.a.event.slug
    paths = [
        reverse("offers:detail", args=[draft_offer]),
        reverse("offers:request", args=[draft_offer]),
        reverse("events:detail", args=[slug]),
        reverse("events:ics", args=[slug]),
    ]
    got = {(role, path): get(world, role, path).status_code for role in ROLES for path in paths}
    assert set(got.values()) == {404}, {key: code for key, code in got.items() if code != 404}


# --- filters, searches and autocompletes that name what lies outside the scope ---------------

AUTOCOMPLETE_OF = "/beheer/autocomplete/?app_label={}&model_name={}&field_name={}&term=Alfa"
# (role, page): each answers 200 and shows the role nothing of side A (event X), while the
# same page shows some of it to the role's counterpart inside the scope (CONTROL). Searches
# use part of a marker: the search box repeats the term.
CONTROL = {"cd_b": "cd_a", "org_y": "org_x"}
PROBES = [
    ("cd_b", "/beheer/matching/signup/?region={region_a}"),
    ("cd_b", "/beheer/matching/signup/?q=10001"),
    ("cd_b", "/beheer/matching/signup/?q=alfa.contact"),
    ("cd_b", "/beheer/offers/offer/?region={region_a}&q=Alfa"),
    ("cd_b", "/beheer/offers/offerrequest/?region={region_a}"),
    ("cd_b", "/beheer/matching/match/?region={region_a}&q=Alfa"),
    ("cd_b", "/beheer/organisations/organisation/?region__id__exact={region_a}"),
    ("cd_b", "/beheer/organisations/organisation/?q=Alfa"),
    ("cd_b", "/beheer/organisations/contact/?organisation__region__id__exact={region_a}"),
    ("cd_b", "/beheer/events/event/?region={region_a}&q=Xray"),
    ("cd_b", "/beheer/events/registration/?event={event_x}"),
    ("cd_b", AUTOCOMPLETE_OF.format("matching", "match", "school")),
    ("cd_b", AUTOCOMPLETE_OF.format("matching", "match", "offer")),
    ("cd_b", AUTOCOMPLETE_OF.format("offers", "offer", "organisation")),
    ("cd_b", AUTOCOMPLETE_OF.format("organisations", "contact", "organisation")),
    ("org_y", "/beheer/events/registration/?event={event_x}"),
    ("org_y", "/beheer/events/registration/?event={event_x}&slot={slot_x}"),
    ("org_y", "/beheer/events/registration/?region={region_a}&q=Xander"),
    ("org_y", "/beheer/events/event/?q=Xray"),
]


def test_filters_and_searches_find_nothing_outside_the_scope(world, db):
    ids = {
        "region_a": world.a.region.pk,
        "event_x": world.a.event.pk,
        "slot_x": world.a.registration.slot_id,
    }
    for role, page in PROBES:
        path = page.format(**ids)
        response = get(world, role, path)
        assert response.status_code == 200, f"{role} {path}: {response.status_code}"
        assert not leaks(role, path, response), f"{role} {path} shows {leaks(role, path, response)}"
        inside = get(world, CONTROL[role], path).content.decode()
        forbidden = NEVER_SEEN[role][0] | NEVER_SEEN[role][1]
        assert any(marker in inside for marker in forbidden), f"{path} finds nothing anyway"


# --- POSTs that must change nothing ----------------------------------------------------------

PostData = Callable[[World, str], dict[str, Any]]  # (world, path) -> form data


def fields(**values: Callable[[World], Any] | Any) -> PostData:
    """Form data; a callable value is computed from the world."""

    def build(world: World, path: str) -> dict[str, Any]:
        return {name: value(world) if callable(value) else value for name, value in values.items()}

    build.label = "post"  # type: ignore[attr-defined]
    return build


def edited_form(form_of: str, **changes: Callable[[World], Any] | Any) -> PostData:
    """The change (or add) form as `form_of` gets it, all of it as a browser sends it, with
    `changes`: a valid change, so that only a permission can stop it."""

    def build(world: World, path: str) -> dict[str, Any]:
        response = get(world, form_of, path)
        assert response.status_code == 200, f"{form_of} cannot open {path}"
        model = response.context["opts"].model_name
        data: dict[str, Any] = form_data(response.content.decode(), f"{model}_form")
        return data | fields(**changes)(world, path)

    build.label = "change"  # type: ignore[attr-defined]
    return build


def chosen(attribute: str, action: str, **extra: Callable[[World], Any] | Any) -> PostData:
    """An admin action on side A's object `attribute` (the id forged into a foreign list)."""

    def build(world: World, path: str) -> dict[str, Any]:
        pk = getattr(world.a, attribute).pk
        return {"action": action, ACTION_CHECKBOX_NAME: [pk]} | fields(**extra)(world, path)

    build.label = action  # type: ignore[attr-defined]
    return build


@dataclass(frozen=True)
class Refused:
    """A POST of `role` to `key` that gets `expected` and changes nothing.

    `control` is a role whose identical POST does get through (the row changes; for an export,
    side A's `shows` marker is in it): proof that the data was right and only the permission
    stopped it.
    """

    role: str
    key: str
    url: UrlBuilder
    data: PostData
    expected: str
    control: str | None = None
    shows: tuple[str, str] | None = None
    # The role saves its own row (side B's `saves_own`) while the forged inline row is
    # ignored: that row and the admin's log may change, nothing else.
    saves_own: str | None = None

    def __str__(self) -> str:
        return f"{self.role}-{self.key}-{self.data.label}"  # type: ignore[attr-defined]


# fmt: off
SIGNUP_NOTE = {"notes-0-text": "Notitie van buitenaf"}
DECLINE = {"apply": "1", "reason": "Niet voor ons"}

REFUSED = [
    # Another region's (organiser's) rows: the admin answers "gone" and saves nothing.
    Refused("cd_b", "admin:matching_signup_change", of_a("signup"),
            edited_form("cd_a", **SIGNUP_NOTE), "gone", control="cd_a"),
    Refused("cd_b", "admin:offers_offer_change", of_a("draft_offer"),
            edited_form("cd_a", title="Overgenomen aanbod"), "gone", control="cd_a"),
    Refused("cd_b", "admin:organisations_organisation_change", of_a("company"),
            edited_form("cd_a", name="Overgenomen B.V."), "gone", control="cd_a"),
    Refused("cd_b", "admin:organisations_contact_change", of_a("contact"),
            edited_form("cd_a", email="overgenomen@example.nl"), "gone", control="cd_a"),
    Refused("cd_b", "admin:matching_match_change", of_a("match"),
            edited_form("cd_a", teacher_name="Overgenomen"), "gone", control="cd_a"),
    Refused("org_y", "admin:events_event_change", of_a("event"),
            edited_form("org_x", title="Overgenomen evenement"), "gone", control="org_x"),
    Refused("org_y", "admin:events_registration_change", of_a("registration"),
            edited_form("org_x", teacher_name="Overgenomen"), "gone", control="org_x"),
    # Rows a role may look at but not change.
    Refused("cd_a", "admin:events_event_change", of_a("event"),
            edited_form("org_x", title="Overgenomen evenement"), "403", control="org_x"),
    Refused("cd_b", "admin:events_event_change", of_a("event"),
            edited_form("org_x", title="Overgenomen evenement"), "403", control="org_x"),
    Refused("cd_a", "admin:events_registration_change", of_a("registration"),
            edited_form("org_x", teacher_name="Overgenomen"), "403", control="org_x"),
    Refused("cd_a", "admin:organisations_region_change", of_a("region"),
            edited_form("super", name="Overgenomen regio"), "403", control="super"),
    Refused("cd_b", "admin:organisations_coordinator_change", of_a("coordinator"),
            edited_form("super", regions=lambda w: [w.a.region.pk, w.b.region.pk]), "403",
            control="super"),
    Refused("cd_a", "admin:auth_user_change", args(user_a),
            edited_form("super", is_superuser="on"), "403", control="super"),
    Refused("cd_a", "admin:offers_offerrequest_change", of_a("request"),
            fields(teacher_name="Overgenomen"), "403"),
    Refused("cd_a", "admin:auth_group_change", args(coordinators_group),
            edited_form("super", permissions=lambda w: list(
                Permission.objects.values_list("pk", flat=True))), "403", control="super"),
    Refused("cd_a", "admin:otp_static_staticdevice_add", named(),
            edited_form("super", user=user_a, name="Nog een apparaat"), "403", control="super"),
    Refused("cd_a", "admin:axes_accessattempt_delete", args(login_record("accessattempt")),
            fields(post="yes"), "403", control="super"),
    # One's own row, with another region's (organiser's) inline row forged into its form.
    Refused("org_y", "admin:events_event_change", of_b("event"),
            edited_form("org_y", **{"slots-0-id": lambda w: w.a.registration.slot_id,
                                    "slots-0-capacity": "999"}), "302", saves_own="event"),
    Refused("cd_b", "admin:organisations_organisation_change", of_b("company"),
            edited_form("cd_b", **{"contacts-0-id": lambda w: w.a.contact.pk,
                                   "contacts-0-email": "overgenomen@example.nl"}), "302",
            saves_own="company"),
    # Adding: rows of another region cannot be named in a form (its choices are scoped).
    Refused("cd_b", "admin:organisations_contact_add", named(),
            fields(organisation=lambda w: w.a.company.pk, name="Nieuw Contact",
                   role="Directeur", email="nieuw.contact@example.nl", phone=""),
            "200", control="cd_a"),
    Refused("cd_b", "admin:organisations_organisation_add", named(),
            fields(kind="company", name="Nieuwe Amsterdamse B.V.", street_address="Dam 1",
                   postcode="1012AB", city="Amsterdam", kvk_number="33333333",
                   **{"contacts-TOTAL_FORMS": "0", "contacts-INITIAL_FORMS": "0"}),
            "200", control="cd_a"),
    Refused("cd_b", "admin:matching_match_add", named(),
            fields(offer=lambda w: w.b.offer.pk, school=lambda w: w.a.school.pk,
                   teacher_name="Docent", teacher_email="docent@school.example.nl"),
            "200", control="cd_a"),
    Refused("cd_b", "admin:matching_match_propose", named(),
            fields(offer=lambda w: w.a.offer.pk, school=lambda w: w.b.school.pk), "302",
            control="cd_a"),
    Refused("org_x", "admin:matching_match_propose", named(),
            fields(offer=lambda w: w.a.offer.pk, school=lambda w: w.b.school.pk), "403",
            control="cd_a"),
    Refused("cd_a", "admin:matching_signup_add", named(), fields(), "403"),
    Refused("org_x", "admin:events_registration_add", named(), fields(), "403"),
    Refused("org_x", "admin:events_organiserstaff_add", named(),
            fields(user=lambda w: w.a.organiser_user.pk, organiser=lambda w: w.b.organiser.pk),
            "403", control="super"),
    # Nobody but a superuser deletes: sign-ups are declined, events and registrations cancelled.
    Refused("cd_a", "admin:matching_signup_delete", of_a("signup"), fields(post="yes"), "403",
            control="super"),
    Refused("cd_a", "admin:matching_match_delete", of_a("match"), fields(post="yes"), "403",
            control="super"),
    Refused("cd_b", "admin:organisations_organisation_delete", of_a("company"),
            fields(post="yes"), "403"),  # (protected by its sign-up: nobody deletes it)
    Refused("org_x", "admin:events_event_delete", of_a("event"), fields(post="yes"), "403"),
    Refused("org_x", "admin:events_registration_delete", of_a("registration"),
            fields(post="yes"), "403", control="super"),
    # Actions with another region's id forged into the selection: they act on nothing.
    Refused("cd_b", "admin:matching_signup_changelist", named(),
            chosen("signup", "take_in_triage"), "302", control="cd_a"),
    Refused("cd_b", "admin:matching_signup_changelist", named(),
            chosen("signup", "publish_offers"), "302", control="cd_a"),
    Refused("cd_b", "admin:matching_signup_changelist", named(),
            chosen("signup", "decline", **DECLINE), "302", control="cd_a"),
    Refused("cd_b", "admin:matching_signup_changelist", named(),
            chosen("signup", "reassign", apply="1", coordinator=lambda w: w.b.coordinator.pk),
            "302"),
    Refused("cd_b", "admin:matching_signup_changelist", named(),
            chosen("signup", "export_csv"), "200", control="cd_a", shows=("A", "signup")),
    Refused("cd_b", "admin:matching_signup_changelist", named(),  # "all of them": their own
            chosen("signup", "export_csv", select_across="1", index="0"), "200",
            control="cd_a", shows=("A", "signup")),
    Refused("cd_b", "admin:offers_offer_changelist", named(),
            chosen("draft_offer", "publish"), "302", control="cd_a"),
    Refused("cd_b", "admin:matching_match_changelist", named(),
            chosen("match", "cancel", **DECLINE), "302", control="cd_a"),
    Refused("org_y", "admin:events_event_changelist", named(),
            chosen("event", "cancel", **DECLINE), "302", control="org_x"),
    Refused("cd_a", "admin:events_event_changelist", named(),  # no actions: just the list
            chosen("event", "cancel", **DECLINE), "200", control="org_x"),
    Refused("org_y", "admin:events_registration_changelist", named(),
            chosen("registration", "cancel_registrations"), "302", control="org_x"),
    Refused("org_y", "admin:events_registration_changelist", named(),
            chosen("registration", "export_csv"), "200", control="org_x",
            shows=("X", "registration")),
    Refused("cd_b", "admin:events_registration_changelist", named(),
            chosen("registration", "export_csv"), "200", control="cd_a",
            shows=("X", "registration")),
    # A person's data (AVG) is exported and erased by superusers only, from the contacts too
    # (a coordinator has no action on contacts at all: the POST just shows the list).
    Refused("cd_a", "admin:organisations_contact_changelist", named(),
            chosen("contact", "export_personal_data"), "200", control="super",
            shows=("A", "contact")),
    Refused("cd_a", "admin:organisations_contact_changelist", named(),
            chosen("contact", "erase_personal_data", apply="1", confirm="on"), "200",
            control="super"),
    Refused("cd_a", "privacy_person", named(),
            fields(email=lambda w: w.a.contact.email, confirm="on"), "403", control="super"),
    # The organiser's hosts page of another organiser's event; a coordinator only looks.
    Refused("org_y", "admin:events_event_hosts", of_a("event"),
            fields(workshop="1", company=lambda w: w.a.company.pk), "404"),
    Refused("cd_a", "admin:events_event_hosts", of_a("event"),
            fields(workshop="1", company=lambda w: w.a.company.pk), "403"),
    # Private links: an edited link, or the other side's link, acts on nothing.
    Refused("anon", "offers:request_status", link, fields(), "404", control="teacher"),
    Refused("company", "offers:request_status", link, fields(), "404", control="teacher"),
    Refused("anon", "offers:request_answer", link,
            fields(decision="afwijzen", message="Helaas, het past niet."), "404",
            control="company"),
    Refused("teacher", "offers:request_answer", link,
            fields(decision="afwijzen", message="Helaas, het past niet."), "404",
            control="company"),
    Refused("anon", "events:registration_status", link, fields(), "404", control="teacher"),
    Refused("company", "events:registration_status", link, fields(), "404", control="teacher"),
    Refused("anon", "matching:match", link,
            fields(stap="antwoord", decision="afwijzen", reason="Past niet in het rooster"),
            "404", control="teacher"),
    Refused("anon", "offers:unsubscribe", link, fields(**{"List-Unsubscribe": "One-Click"}),
            "404", control="teacher"),
    Refused("company", "offers:unsubscribe", link, fields(**{"List-Unsubscribe": "One-Click"}),
            "404", control="teacher"),
]
# fmt: on

SNAPSHOT = [
    Region,
    PostcodeRange,
    Coordinator,
    Organisation,
    Contact,
    SignUp,
    SignUpNote,
    SignUpEvent,
    Offer,
    OfferRequest,
    Match,
    Event,
    TimeSlot,
    Workshop,
    Registration,
    OrganiserStaff,
    SavedSearch,
    Group,
    LogEntry,
    TOTPDevice,
    StaticDevice,
    AccessAttempt,
    AccessFailureLog,
    AccessLog,
]


def snapshot(but: Any = None) -> dict[str, list[dict]]:
    """Every row the roles could touch (users without their last login); with `but`, all but
    that row and the admin's log."""
    rows = {}
    for model in SNAPSHOT:
        if but is not None and model is LogEntry:
            continue
        queryset = model.objects.order_by("pk")
        if isinstance(but, model):
            queryset = queryset.exclude(pk=but.pk)
        rows[model.__name__] = list(queryset.values())
    rows["User"] = list(User.objects.order_by("pk").values(*USER_FIELDS))
    rows["permissions"] = list(Group.permissions.through.objects.order_by("pk").values())
    return rows


USER_FIELDS = ["pk", "username", "is_staff", "is_superuser", "is_active", "email", "password"]


def post(world: World, role: str, path: str, data: dict[str, Any]):
    client = world.clients[role]
    response = client.post(path, data)
    client.cookies.pop("messages", None)
    return response


@pytest.mark.parametrize("case", REFUSED, ids=str)
def test_refused_posts_change_nothing(case, world, db, django_capture_on_commit_callbacks):
    path = case.url(world, case.key, case.role)
    data = case.data(world, path)
    own = getattr(world.b, case.saves_own) if case.saves_own else None
    before = snapshot(but=own)
    with django_capture_on_commit_callbacks() as queued:
        response = post(world, case.role, path, data)
    assert outcome(response) == case.expected
    assert not leaks(case.role, path, response)
    assert snapshot(but=own) == before, f"{case}: the refused POST changed a row"
    assert queued == [], f"{case}: the refused POST queued work (an email, a task)"
    if case.control is None:
        return
    control_path = case.url(world, case.key, case.control)
    response = post(world, case.control, control_path, data)
    if case.shows is not None:
        group, name = case.shows
        assert MARKERS[group][name] in response.content.decode(), "the control export is empty"
    else:
        assert snapshot() != before, f"{case}: the control ({case.control}) changed nothing"
