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
