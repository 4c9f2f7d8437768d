import pytest

from atelier.errors import Conflict, ServiceError
from program.models import Tester
from program.services.testers import tester_change_status, tester_create


@pytest.mark.django_db
def test_tester_create_starts_invited_and_records_it(program, program_staff):
    tester = tester_create(
        program=program,
        email="New@Example.test",
        display_name="Nia",
        country="ng",
        actor=program_staff,
    )

    assert tester.status == Tester.Status.INVITED
    assert tester.user.email == "new@example.test"
    assert tester.country == "NG"
    assert list(tester.status_changes.values_list("to_status", "actor")) == [
        ("invited", program_staff.pk)
    ]


@pytest.mark.django_db
def test_full_lifecycle_is_recorded_with_actor_and_reason(program, program_staff):
    tester = tester_create(program=program, email="a@example.test", display_name="A", country="FR")
    for status in ["onboarding", "active", "suspended", "active", "offboarded"]:
        tester = tester_change_status(
            tester=tester, to_status=status, actor=program_staff, reason=f"to {status}"
        )

    history = list(
        tester.status_changes.order_by("created_at", "id").values_list(
            "from_status", "to_status", "reason"
        )
    )
    assert history[1:] == [
        ("invited", "onboarding", "to onboarding"),
        ("onboarding", "active", "to active"),
        ("active", "suspended", "to suspended"),
        ("suspended", "active", "to active"),
        ("active", "offboarded", "to offboarded"),
    ]
    assert tester.joined_at is not None


@pytest.mark.django_db
def test_invalid_transition_is_refused_and_nothing_changes(artist, program_staff):
    artist.status = Tester.Status.OFFBOARDED
    artist.save()

    with pytest.raises(Conflict) as error:
        tester_change_status(tester=artist, to_status="active", actor=program_staff, reason="back")

    assert error.value.field == "status"
    artist.refresh_from_db()
    assert artist.status == "offboarded"
    assert not artist.status_changes.exists()


@pytest.mark.django_db
def test_status_change_needs_a_reason(artist, program_staff):
    with pytest.raises(ServiceError) as error:
        tester_change_status(tester=artist, to_status="suspended", actor=program_staff, reason=" ")
    assert error.value.field == "reason"


@pytest.mark.django_db
def test_duplicate_email_is_reported_and_not_duplicated(program):
    tester_create(program=program, email="dup@example.test", display_name="One", country="FR")

    with pytest.raises(Conflict) as error:
        tester_create(program=program, email="DUP@example.test", display_name="Two", country="FR")

    assert error.value.code == "duplicate_email"
    assert Tester.objects.filter(user__email="dup@example.test").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("email", {"email": "not-an-email"}),
        ("country", {"country": "XX"}),
        ("name", {"display_name": ""}),
        ("portfolio_links", {"portfolio_links": ["javascript:alert(1)"]}),
    ],
)
def test_bad_tester_input_names_the_field(program, field, kwargs):
    values = {"email": "ok@example.test", "display_name": "Ok", "country": "FR"} | kwargs
    with pytest.raises(ServiceError) as error:
        tester_create(program=program, **values)
    assert error.value.field == field


@pytest.mark.django_db
def test_status_change_lands_in_the_audit_log(artist, program_staff):
    from program.access.models import AuditEvent

    tester_change_status(tester=artist, to_status="suspended", actor=program_staff, reason="Break")

    event = AuditEvent.objects.get(action="tester.status_changed")
    assert (event.actor, event.subject_tester, event.reason) == (program_staff, artist, "Break")
