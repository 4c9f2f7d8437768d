import pytest

from atelier.errors import ServiceError
from program.models import Invitation
from program.services.invitations import invitation_create, invitations_import_csv

CSV = """email,name,country,cohort
good1@example.test,Good One,FR,Animators
not-an-email,Bad Email,FR,
good2@example.test,Good Two,JP,VFX
bad-country@example.test,Bad Country,ZZ,
,No Email,FR,
existing@example.test,Existing,FR,
good1@example.test,Twice,FR,
"""


@pytest.mark.django_db
def test_good_rows_go_in_and_bad_rows_name_line_and_field(program, program_staff):
    invitation_create(program=program, email="existing@example.test", name="Existing", country="FR")

    result = invitations_import_csv(program=program, content=CSV.encode(), invited_by=program_staff)

    assert sorted(i.email for i in result.created) == ["good1@example.test", "good2@example.test"]
    assert [(e.row, e.field) for e in result.errors] == [
        (3, "email"),
        (5, "country"),
        (6, "email"),
        (7, "email"),
        (8, "email"),
    ]
    assert Invitation.objects.count() == 3


@pytest.mark.django_db
def test_missing_columns_are_reported(program):
    with pytest.raises(ServiceError) as error:
        invitations_import_csv(program=program, content=b"email,name\na@b.test,A\n")
    assert error.value.field == "file"
    assert "country" in error.value.message


@pytest.mark.django_db
def test_non_utf8_file_is_reported(program):
    with pytest.raises(ServiceError) as error:
        invitations_import_csv(program=program, content="email,name,country\né".encode("latin-1"))
    assert error.value.code == "bad_encoding"


@pytest.mark.django_db
def test_web_upload_runs_in_background_and_shows_progress(
    client, program, program_staff, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from program.models import InvitationImport
    from program.services.invitations import invitation_import_run

    client.force_login(program_staff)
    upload = SimpleUploadedFile(
        "t.csv", b"email,name,country\na@example.test,A,FR\nbad,B,FR\n", "text/csv"
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post("/staff/invitations/", {"file": upload})
    job = InvitationImport.objects.get()
    assert (
        response.status_code == 302
        and response["Location"] == f"/staff/invitations/imports/{job.pk}/"
    )
    assert len(callbacks) == 1  # the task is enqueued only after commit

    invitation_import_run(import_id=job.pk)
    page = client.get(response["Location"]).content.decode()

    assert "1 invited" in page and "1 rejected" in page
    assert "is not a valid email address" in page


@pytest.mark.django_db
def test_running_an_import_twice_invites_once(program, program_staff):
    from program.services.invitations import invitation_import_run, invitation_import_start

    job = invitation_import_start(
        program=program,
        content=b"email,name,country\na@example.test,A,FR\n",
        filename="x.csv",
        uploaded_by=program_staff,
    )
    invitation_import_run(import_id=job.pk)
    invitation_import_run(import_id=job.pk)

    assert Invitation.objects.count() == 1
