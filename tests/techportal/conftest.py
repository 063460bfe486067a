"""Fixtures of the hostile-input tests: the two attacks every public POST form gets (the values
and the checks are in tests/techportal/hostile.py)."""

from collections.abc import Callable, Collection, Iterable, Mapping

import pytest

from .hostile import (
    AT_ONCE,
    Case,
    Fields,
    Tables,
    all_fields,
    assert_refused,
    assert_safe,
    attack,
    each,
    must_refuse,
    post_form,
    set_field,
)


@pytest.fixture
def attack_each_field(client, django_capture_on_commit_callbacks, subtests):
    """`run(path, valid, fields, cases, accepted=…)`: for each case of a rotation, its hostile
    value in its one field and the rest of `valid()` as it is, a subtest of its own (`attack`).

    A refusal must be clean; an accepted form is checked by `accepted(value)(response, tables)`.
    `multiple` names the fields posted as a list; `free` the fields whose values the form need
    not refuse (a search box posted along with it).
    """

    def run(
        path: str,
        valid: Callable[[], dict],
        fields: Fields,
        cases: Iterable[Case],
        *,
        accepted: Callable[[str], Callable],
        multiple: Collection[str] = (),
        free: Collection[str] = (),
    ) -> None:
        def check(case: Case) -> None:
            value = case.hostile.value
            attack(
                client,
                django_capture_on_commit_callbacks,
                path,
                set_field(valid(), case.field, value, case.field in multiple),
                payload=value,
                refuse=case.field not in free and must_refuse(fields[case.field], value),
                accepted=accepted(value),
            )

        each(subtests, cases, check)

    return run


@pytest.fixture
def attack_every_field(client, subtests):
    """`run(path, fields)`: each value of `AT_ONCE` in every field at once (with `fixed` on
    top), a subtest of its own; each must be refused cleanly, with nothing stored."""

    def run(
        path: str,
        fields: Iterable[str],
        *,
        multiple: Collection[str] = (),
        fixed: Mapping[str, object] | None = None,
    ) -> None:
        def check(hostile) -> None:
            data = all_fields(fields, hostile.value, set(multiple)) | dict(fixed or {})
            tables = Tables()
            response = post_form(client, path, data)
            assert_safe(response, hostile.value)
            assert_refused(response, tables)

        each(subtests, AT_ONCE, check)

    return run
