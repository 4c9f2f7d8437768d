"""The /v1/ Videos API without a worker: validation, authorization, quotas, shapes."""

import pytest
from django.utils import timezone

from generation.models import GenerationJob
from program.models import Program
from tests.conftest import bearer, client_for, make_artist, token_for
from tests.generation.factories import JobFactory

Status = GenerationJob.Status
OPENAI_FIELDS = {
    "id", "object", "model", "status", "progress", "created_at", "completed_at", "expires_at",
    "error", "prompt", "seconds", "size", "remixed_from_video_id",
}  # fmt: skip


@pytest.fixture
def api(artist):
    return bearer(token_for(artist, scopes=("videos:read", "videos:write")))


def create(api, **data):
    body = {"prompt": "a red cat", "model": "tiny-ltx", "size": "64x64", "seconds": "1", **data}
    return api.post("/v1/videos", body, format="multipart")


def test_create_returns_openai_video_object_and_poll_header(api, artist):
    response = create(api, seed="42", num_inference_steps="3", guidance_scale="2.5", fps="8")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert set(body) >= OPENAI_FIELDS
    assert body["object"] == "video" and body["status"] == "queued" and body["progress"] == 0
    assert (body["size"], body["seconds"], body["model"]) == ("64x64", "1", "tiny-ltx")
    assert (body["seed"], body["num_inference_steps"], body["num_frames"]) == (42, 3, 9)
    assert body["queue_position"] == 0 and body["estimated_start_at"] is not None
    assert response["openai-poll-after-ms"]
    job = GenerationJob.objects.get(public_id=body["id"])
    assert job.tester == artist and job.token is not None


def test_create_accepts_json(api):
    response = api.post("/v1/videos", {"prompt": "a blue sky", "size": "64x64"}, format="json")
    assert response.status_code == 200
    assert response.json()["model"] == "tiny-ltx"  # the default model


def test_seed_is_recorded_when_not_given(api):
    body = create(api).json()
    assert isinstance(body["seed"], int)
    assert GenerationJob.objects.get(public_id=body["id"]).seed == body["seed"]


@pytest.mark.parametrize(
    ("data", "param"),
    [
        ({"size": "65x64"}, "size"),
        ({"size": "1024x1024"}, "size"),
        ({"size": "big"}, "size"),
        ({"seconds": "60"}, "seconds"),
        ({"seconds": "-1"}, "seconds"),
        ({"seconds": "abc"}, "seconds"),
        ({"seconds": "NaN"}, "seconds"),
        ({"prompt": ""}, "prompt"),
        ({"prompt": "   "}, "prompt"),
        ({"prompt": "x" * 2001}, "prompt"),
        ({"num_inference_steps": "0"}, "num_inference_steps"),
        ({"num_inference_steps": "1000"}, "num_inference_steps"),
        ({"guidance_scale": "-1"}, "guidance_scale"),
        ({"guidance_scale": "nan"}, "guidance_scale"),
        ({"fps": "0"}, "fps"),
        ({"seed": "-5"}, "seed"),
        ({"negative_prompt": "y" * 2001}, "negative_prompt"),
    ],
)
def test_bad_input_is_400_naming_the_field_and_queues_nothing(api, data, param):
    response = create(api, **data)
    assert response.status_code == 400, response.json()
    assert response.json()["error"]["param"] == param
    assert not GenerationJob.objects.exists()


def test_unknown_model_is_404_naming_the_model_and_queues_nothing(api):
    response = create(api, model="sora-2")
    assert response.status_code == 404, response.json()
    assert response.json()["error"]["param"] == "model"
    assert not GenerationJob.objects.exists()


def test_missing_prompt_names_prompt(api):
    response = api.post("/v1/videos", {"size": "64x64"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "prompt"


def test_wan_model_uses_its_own_size_rule(api):
    assert create(api, model="tiny-wan", size="48x32").status_code == 200
    assert create(api, model="tiny-wan", size="40x32").json()["error"]["param"] == "size"


def test_input_reference_is_refused_clearly(api):
    response = create(api, input_reference="https://example.test/a.png")
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "input_reference"


def test_anonymous_gets_401(api_client):
    assert api_client.get("/v1/videos").status_code == 401
    assert api_client.post("/v1/videos", {"prompt": "x"}).status_code == 401
    assert api_client.get("/v1/models").status_code == 401


def test_read_only_token_cannot_create(artist):
    reader = bearer(token_for(artist, scopes=("videos:read",)))
    response = create(reader)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "insufficient_scope"
    assert reader.get("/v1/videos").status_code == 200


def test_write_only_token_cannot_read(artist):
    writer = bearer(token_for(artist, scopes=("videos:write",)))
    assert writer.get("/v1/videos").status_code == 403


def test_other_artists_video_is_404_everywhere(artist, other_artist):
    job = JobFactory(tester=artist, status=Status.COMPLETED)
    other = bearer(token_for(other_artist))
    for url in (f"/v1/videos/{job.public_id}", f"/v1/videos/{job.public_id}/content"):
        assert other.get(url).status_code == 404
    assert other.delete(f"/v1/videos/{job.public_id}").status_code == 404
    assert other.post(f"/v1/videos/{job.public_id}/remix", {"prompt": "x"}).status_code == 404
    assert other.get("/v1/videos").json()["data"] == []
    job.refresh_from_db()
    assert job.deleted_at is None


def test_session_artist_can_use_the_api(artist):
    job = JobFactory(tester=artist)
    response = client_for(artist.user).get(f"/v1/videos/{job.public_id}")
    assert response.status_code == 200


@pytest.mark.parametrize("role_fixture", ["program_staff", "curator", "finance_user", "admin_user"])
def test_staff_without_membership_get_403(request, role_fixture):
    user = request.getfixturevalue(role_fixture)
    response = client_for(user).get("/v1/videos")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_a_tester"


def test_models_lists_limits(api):
    body = api.get("/v1/models").json()
    models = {model["id"]: model for model in body["data"]}
    assert models["tiny-ltx"]["size_multiple"] == 32
    assert models["tiny-ltx"]["frame_rule"] == "8k+1"
    assert models["tiny-wan"]["size_multiple"] == 16
    assert models["tiny-wan"]["frame_rule"] == "4k+1"
    assert models["tiny-ltx"]["output_is_noise"] is True
    assert api.get("/v1/models/tiny-ltx").json()["max_frames"] == 33
    assert api.get("/v1/models/nope").status_code == 404


def test_list_cursor_pagination(api, artist, django_assert_max_num_queries):
    now = timezone.now()
    jobs = [
        JobFactory(tester=artist, created_at=now - timezone.timedelta(minutes=i)) for i in range(5)
    ]
    JobFactory(tester=artist, deleted_at=now)
    with django_assert_max_num_queries(6):
        page = api.get("/v1/videos", {"limit": 2}).json()
    assert [v["id"] for v in page["data"]] == [jobs[0].public_id, jobs[1].public_id]
    assert page["has_more"] is True and page["last_id"] == jobs[1].public_id
    page2 = api.get("/v1/videos", {"limit": 2, "after": page["last_id"]}).json()
    assert [v["id"] for v in page2["data"]] == [jobs[2].public_id, jobs[3].public_id]
    last = api.get("/v1/videos", {"limit": 2, "after": page2["last_id"]}).json()
    assert [v["id"] for v in last["data"]] == [jobs[4].public_id]
    assert last["has_more"] is False
    ascending = api.get("/v1/videos", {"order": "asc"}).json()
    assert ascending["first_id"] == jobs[4].public_id


def test_list_bad_params(api):
    assert api.get("/v1/videos", {"limit": 0}).json()["error"]["param"] == "limit"
    assert api.get("/v1/videos", {"order": "up"}).json()["error"]["param"] == "order"
    assert api.get("/v1/videos", {"after": "video_nope"}).json()["error"]["param"] == "after"


@pytest.mark.parametrize("query", [{"limit": ""}, {"limit": "101"}, {"order": ""}])
def test_list_refuses_empty_or_out_of_range_params_as_the_schema_says(api, query):
    response = api.get("/v1/videos", query)
    assert response.status_code == 400
    assert response.json()["error"]["param"] == next(iter(query))


def test_list_after_an_unknown_video_is_404(api):
    assert api.get("/v1/videos", {"after": "video_nope"}).status_code == 404


def test_json_numbers_are_taken_where_the_schema_says_string_or_number(api):
    body = {"prompt": "a red cat", "model": "tiny-ltx", "size": "64x64", "seconds": 1, "fps": 8}
    response = api.post("/v1/videos", body, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["seconds"], response.json()["fps"]) == ("1", 8)


@pytest.mark.parametrize("field", ["prompt", "model", "size", "negative_prompt"])
def test_a_number_where_the_schema_says_text_is_400_naming_the_field(api, field):
    body = {"prompt": "a red cat", "model": "tiny-ltx", "size": "64x64", field: 7}
    response = api.post("/v1/videos", body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["param"] == field
    assert not GenerationJob.objects.exists()


def test_content_is_404_until_completed(api, artist):
    job = JobFactory(tester=artist, status=Status.IN_PROGRESS)
    response = api.get(f"/v1/videos/{job.public_id}/content", HTTP_ACCEPT="application/binary")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "video_not_ready"


def test_retrieve_of_failed_and_cancelled(api, artist):
    failed = JobFactory(tester=artist, status=Status.FAILED, error_code="out_of_memory")
    cancelled = JobFactory(tester=artist, status=Status.CANCELLED)
    body = api.get(f"/v1/videos/{failed.public_id}").json()
    assert body["status"] == "failed" and body["error"]["code"] == "out_of_memory"
    body = api.get(f"/v1/videos/{cancelled.public_id}").json()
    assert body["status"] == "failed" and body["error"]["code"] == "cancelled"
    assert body["atelier_status"] == "cancelled"


def test_delete_queued_cancels_and_hides(api, artist):
    job = JobFactory(tester=artist)
    body = api.delete(f"/v1/videos/{job.public_id}").json()
    assert body == {"id": job.public_id, "object": "video.deleted", "deleted": True}
    job.refresh_from_db()
    assert job.status == Status.CANCELLED and job.deleted_at is not None
    assert api.get(f"/v1/videos/{job.public_id}").status_code == 404


def test_remix_needs_a_completed_video(api, artist):
    job = JobFactory(tester=artist, status=Status.QUEUED)
    response = api.post(f"/v1/videos/{job.public_id}/remix", {"prompt": "new"}, format="json")
    assert response.status_code == 409


def test_remix_keeps_settings_and_seed(api, artist):
    source = JobFactory(tester=artist, status=Status.COMPLETED, seed=99, num_inference_steps=3)
    response = api.post(f"/v1/videos/{source.public_id}/remix", {"prompt": "new"}, format="json")
    body = response.json()
    assert response.status_code == 200
    assert body["remixed_from_video_id"] == source.public_id
    assert (body["seed"], body["num_inference_steps"], body["prompt"]) == (99, 3, "new")


def test_paused_program_answers_503_with_reason(api, program):
    Program.objects.filter(pk=program.pk).update(
        status=Program.Status.PAUSED, pause_reason="Investigating a leaked token."
    )
    response = create(api)
    assert response.status_code == 503
    error = response.json()["error"]
    assert error["code"] == "program_paused"
    assert error["message"] == "Investigating a leaked token."
    assert api.get("/v1/videos").status_code == 200  # reads keep working


def test_gpu_quota_429_with_retry_after(api, artist, settings):
    settings.ATELIER_GPU_SECONDS_PER_DAY = 100
    JobFactory(tester=artist, status=Status.COMPLETED, started_at=timezone.now(), gpu_seconds=150)
    response = create(api)
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "gpu_quota_exceeded"
    assert int(response["Retry-After"]) > 0


def test_failed_jobs_do_not_count_against_quota(api, artist, settings):
    settings.ATELIER_GPU_SECONDS_PER_DAY = 100
    JobFactory(tester=artist, status=Status.FAILED, started_at=timezone.now(), gpu_seconds=500)
    assert create(api).status_code == 200


def test_too_many_queued_is_429(api, artist, settings):
    settings.GENERATION_MAX_QUEUED_PER_TESTER = 2
    JobFactory.create_batch(2, tester=artist)
    response = create(api)
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "too_many_queued"


def test_suspended_tester_cannot_create_by_session(program):
    tester = make_artist(program, status="suspended")
    response = client_for(tester.user).post("/v1/videos", {"prompt": "a cat", "size": "64x64"})
    assert response.status_code == 403


@pytest.mark.parametrize(
    "body",
    [["a list"], {"prompt": ["a", "list"]}, {"prompt": "nul \x00 byte"}, {"prompt": 5, "size": 7}],
)
def test_odd_json_bodies_are_400_not_500(api, body):
    response = api.post("/v1/videos", body, format="json")
    assert response.status_code == 400
    assert not GenerationJob.objects.exists()
