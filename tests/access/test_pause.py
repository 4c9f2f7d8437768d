import datetime

import pytest
from django.utils import timezone

from atelier.errors import Conflict, ServiceError, Unavailable
from program.access.models import AuditEvent, ProgramPause
from program.access.pause import pause_guard, pause_periods, program_pause, program_resume
from program.models import Program
from tests.conftest import bearer, client_for, token_for


@pytest.mark.django_db
def test_pause_sets_status_reason_and_history(program, program_staff):
    pause = program_pause(program=program, actor=program_staff, reason="Investigating a leak")
    program.refresh_from_db()
    assert program.status == Program.Status.PAUSED
    assert program.pause_reason == "Investigating a leak"
    assert program.paused_at == pause.started_at
    assert pause.ended_at is None and pause.started_by == program_staff
    assert AuditEvent.objects.filter(action="program.paused", actor=program_staff).exists()


@pytest.mark.django_db
def test_generation_is_refused_with_503_program_paused_and_the_reason(program, program_staff):
    program_pause(program=program, actor=program_staff, reason="Vendor review")
    program.refresh_from_db()
    with pytest.raises(Unavailable) as caught:
        pause_guard(program)
    assert caught.value.status_code == 503
    assert caught.value.code == "program_paused"
    assert "Vendor review" in caught.value.message


@pytest.mark.django_db
def test_guard_passes_when_running(program):
    pause_guard(program)


@pytest.mark.django_db
def test_reads_keep_working_while_paused(program, program_staff, artist):
    secret = token_for(artist)
    program_pause(program=program, actor=program_staff, reason="Vendor review")
    assert bearer(secret).get("/api/me/").status_code == 200
    assert bearer(secret).get("/api/tokens/").status_code == 200
    assert client_for(artist.user).get("/api/audit-events/").status_code == 200


@pytest.mark.django_db
def test_resume_closes_the_pause_and_wakes_the_dispatcher(
    program, program_staff, monkeypatch, django_capture_on_commit_callbacks
):
    from atelier.celery import app as celery_app

    sent = []
    monkeypatch.setattr(celery_app, "send_task", lambda name, *a, **k: sent.append(name))
    program_pause(program=program, actor=program_staff, reason="Review")
    with django_capture_on_commit_callbacks(execute=True):
        pause = program_resume(program=program, actor=program_staff)
    program.refresh_from_db()
    assert program.status == Program.Status.ACTIVE and program.pause_reason == ""
    assert pause.ended_at is not None and pause.ended_by == program_staff
    assert sent == ["generation.dispatch"]
    assert AuditEvent.objects.filter(action="program.resumed").exists()


@pytest.mark.django_db
def test_pause_needs_a_reason(program, program_staff):
    with pytest.raises(ServiceError) as caught:
        program_pause(program=program, actor=program_staff, reason="  ")
    assert caught.value.field == "reason"


@pytest.mark.django_db
def test_double_pause_and_resume_when_running_conflict(program, program_staff):
    with pytest.raises(Conflict):
        program_resume(program=program, actor=program_staff)
    program_pause(program=program, actor=program_staff, reason="x")
    with pytest.raises(Conflict):
        program_pause(program=program, actor=program_staff, reason="y")
    assert ProgramPause.objects.count() == 1


@pytest.mark.django_db
def test_pause_periods_are_clipped_for_payments(program, program_staff):
    now = timezone.now()
    ProgramPause.objects.create(
        program=program,
        started_at=now - datetime.timedelta(days=10),
        ended_at=now - datetime.timedelta(days=8),
        reason="a",
    )
    ProgramPause.objects.create(
        program=program, started_at=now - datetime.timedelta(days=1), reason="b"
    )
    periods = pause_periods(program=program, start=now - datetime.timedelta(days=9), end=now)
    assert periods == [
        (now - datetime.timedelta(days=9), now - datetime.timedelta(days=8)),
        (now - datetime.timedelta(days=1), now),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "expected"),
    [("artist", 403), ("curator", 403), ("finance", 403), ("program_staff", 201)],
)
def test_pause_api_is_for_program_staff(program, artist, role, expected):
    from tests.conftest import make_staff

    user = artist.user if role == "artist" else make_staff(role)
    response = client_for(user).post("/api/security/pause/", {"reason": "r"}, format="json")
    assert response.status_code == expected


@pytest.mark.django_db
def test_pause_and_resume_through_the_api(program, program_staff):
    client = client_for(program_staff)
    assert client.post("/api/security/pause/", {}, format="json").json()["error"]["param"] == (
        "reason"
    )
    assert client.post("/api/security/pause/", {"reason": "r"}, format="json").status_code == 201
    assert client.post("/api/security/resume/", {}, format="json").status_code == 200
    history = client.get("/api/security/pauses/").json()
    assert history["count"] == 1 and history["results"][0]["ended_at"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "expected"), [("artist", 403), ("curator", 403), ("finance", 200)]
)
def test_pause_history_readable_by_finance(program, artist, role, expected):
    from tests.conftest import make_staff

    user = artist.user if role == "artist" else make_staff(role)
    assert client_for(user).get("/api/security/pauses/").status_code == expected
