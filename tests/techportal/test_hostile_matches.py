"""Hostile input against a match's private page (/match/<token>/): the answer to a proposal,
the report that it took place and the evaluation, for either side. A form posted for a step
the match has left is refused with 409. See tests/techportal/hostile.py for the checks.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import pytest
from django.utils import timezone

from matching.match_forms import AnswerForm, CarriedOutForm, EvaluationForm, StepForm
from matching.match_queries import match_token
from matching.models import Match
from tests.factories import CarriedOutMatchFactory, ConfirmedMatchFactory, MatchFactory

from .hostile import (
    AT_ONCE,
    BY_NAME,
    STRUCTURAL,
    Tables,
    assert_get_stores_nothing,
    assert_other_methods_not_allowed,
    assert_refused,
    assert_safe,
    assert_too_long_refused,
    each,
    post_form,
    prefixed,
    rotation,
    structural_attack,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def url(match: Match, side: str) -> str:
    return f"/match/{match_token(match, side)}/"


def answer() -> dict:
    planned = TODAY() + datetime.timedelta(days=14)
    return {"stap": "antwoord", "decision": "bevestigen", "date": planned.isoformat(), "reason": ""}


def report() -> dict:
    return {
        "stap": "uitvoering",
        "date": (TODAY() - datetime.timedelta(days=1)).isoformat(),
        "pupils": "26",
        "rating": "4",
        "evaluation": "Leuk en leerzaam.",
    }


def evaluation() -> dict:
    return {"stap": "evaluatie", "rating": "4", "evaluation": "Fijne samenwerking."}


@dataclass(frozen=True)
class Step:
    """One step of a match: its form, how a match waiting for it is made, who posts it."""

    form: type[StepForm]
    factory: Callable[[], Match]
    side: str
    valid: Callable[[], dict]

    def path(self) -> tuple[Match, str]:
        match = self.factory()
        return match, url(match, self.side)

    @property
    def fields(self) -> dict:
        """The step's fields, except the hidden step itself (a forged step is tested apart)."""
        return {name: field for name, field in prefixed(self.form()).items() if name != "stap"}


STEPS = {
    "antwoord": Step(AnswerForm, MatchFactory, "company", answer),
    "uitvoering": Step(CarriedOutForm, ConfirmedMatchFactory, "school", report),
    "evaluatie": Step(EvaluationForm, CarriedOutMatchFactory, "company", evaluation),
}


def taken_and_shown_safely(client, match: Match, payload: str):
    """The step was taken: only the match changed, and both sides' pages escape the value."""

    def check(response, tables: Tables) -> None:
        changes = tables.changes()
        assert "matching_match" in changes and changes["matching_match"] == (1, 1), changes
        assert set(changes) <= {"matching_match", "matching_matchreminder"}, changes
        for side in ("company", "school"):
            assert_safe(client.get(url(match, side)), payload)

    return check


@pytest.mark.parametrize("step", STEPS)
def test_a_hostile_value_in_one_field_of_a_step_is_refused_cleanly_or_taken(
    client, attack_each_field, step
):
    match, path = STEPS[step].path()
    fields = STEPS[step].fields
    accepted = partial(taken_and_shown_safely, client, match)
    attack_each_field(path, STEPS[step].valid, fields, rotation(fields, AT_ONCE), accepted=accepted)


@pytest.mark.parametrize("step", STEPS)
def test_a_hostile_value_in_every_field_of_a_step_is_refused_cleanly(attack_every_field, step):
    _match, path = STEPS[step].path()
    attack_every_field(path, STEPS[step].fields, fixed={"stap": step})


@pytest.mark.parametrize("step", STEPS)
def test_every_field_of_a_step_one_character_too_long_is_refused(client, step):
    _match, path = STEPS[step].path()
    assert_too_long_refused(client, path, STEPS[step].valid(), STEPS[step].fields)


def test_a_forged_step_is_refused_with_the_page_as_it_is(client, subtests):
    match = MatchFactory()
    path = url(match, "company")
    steps = [
        BY_NAME[name].value
        for name in ("script-tag", "nul-alone", "1mb", "sql-or", "empty", "lone-low-surrogate")
    ] + ["uitvoering", "evaluatie", "ANTWOORD", " antwoord"]

    def check(step):
        tables = Tables()
        response = post_form(client, path, answer() | {"stap": step})
        assert_safe(response, step)
        assert_refused(response, tables, status=409)
        assert "Deze stap is al gezet" in response.content.decode()

    each(subtests, steps, check)


def test_a_malformed_answer_is_refused_cleanly(client, subtests):
    step = STEPS["antwoord"]
    _match, path = step.path()

    def check(attack_):
        # Without its `stap` a post is not for this step: refused as a stale form (409).
        structural_attack(client, path, step.valid(), attack_, refusal_status=409)

    each(subtests, STRUCTURAL, check)


def test_the_answer_sent_by_get_stores_nothing(client):
    assert_get_stores_nothing(client, url(MatchFactory(), "school"), answer())


def test_other_methods_on_a_match_page_are_not_allowed(client):
    assert_other_methods_not_allowed(client, url(MatchFactory(), "school"))
