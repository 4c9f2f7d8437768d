import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_films_endpoints_are_in_the_schema_without_warnings(tmp_path):
    import yaml

    out = tmp_path / "schema.yml"
    # --fail-on-warn raises on any drf-spectacular warning (operation id clashes, unknown types).
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    paths = yaml.safe_load(out.read_text())["paths"]
    for path in (
        "/api/films/",
        "/api/films/{id}/licenses/{license_pk}/accept/",
        "/api/curation/assignments/mine/{id}/review/",
        "/api/curation/rounds/{id}/release/",
        "/api/licenses/{id}/uses/",
        "/api/screenings/{id}/confirm/",
    ):
        assert path in paths
