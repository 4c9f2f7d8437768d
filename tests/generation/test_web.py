"""Web pages: generate, my videos, video page with htmx status, staff jobs; who may see what."""

import pytest
from django.test import Client
from django.urls import reverse

from generation import runner
from generation.models import GenerationJob
from tests.generation.factories import JobFactory

Status = GenerationJob.Status


def web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_generate_page_shows_limits_and_noise_note(artist):
    response = web(artist.user).get(reverse("generation-new"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "multiples of 32" in html and "8k+1" in html
    assert "its output is noise" in html


def test_generate_post_creates_job(artist):
    response = web(artist.user).post(
        reverse("generation-new"),
        {"prompt": "a cat at night", "model": "tiny-ltx", "size": "64x64", "seconds": "1"},
    )
    job = GenerationJob.objects.get(tester=artist)
    assert response.status_code == 302
    assert response["Location"] == reverse("generation-video", args=[job.public_id])


def test_generate_post_bad_size_shows_error_on_field(artist):
    response = web(artist.user).post(
        reverse("generation-new"), {"prompt": "a cat", "model": "tiny-ltx", "size": "50x50"}
    )
    assert response.status_code == 200
    assert "multiples of 32" in response.context["form"].errors["size"][0]
    assert not GenerationJob.objects.exists()


def test_video_page_polls_while_queued_and_shows_position(artist):
    job = JobFactory(tester=artist)
    response = web(artist.user).get(reverse("generation-video", args=[job.public_id]))
    html = response.content.decode()
    assert 'hx-trigger="every 1s"' in html
    assert "Next in line" in html
    status = web(artist.user).get(reverse("generation-video-status", args=[job.public_id]))
    assert status.status_code == 200 and "<progress" in status.content.decode()


def test_completed_video_page_has_player_and_downloads(artist):
    job = JobFactory(tester=artist)
    runner.job_run(job.pk)
    html = web(artist.user).get(reverse("generation-video", args=[job.public_id])).content.decode()
    assert "<video" in html and "hx-trigger" not in html
    assert f"/v1/videos/{job.public_id}/content?variant=spritesheet" in html
    assert "Remix" in html


def test_films_and_feedback_links_only_when_those_pages_exist(artist):
    from django.urls import NoReverseMatch

    job = JobFactory(tester=artist, status=Status.COMPLETED)
    html = web(artist.user).get(reverse("generation-video", args=[job.public_id])).content.decode()
    for name, label in (("films-submit", "Submit as film"), ("feedback-new", "Attach to feedback")):
        try:
            url = reverse(name)
        except NoReverseMatch:
            assert label not in html
        else:
            assert f"{url}?job={job.public_id}" in html


def test_other_artist_gets_404_on_every_page(artist, other_artist):
    job = JobFactory(tester=artist)
    client = web(other_artist.user)
    for name in ("generation-video", "generation-video-status"):
        assert client.get(reverse(name, args=[job.public_id])).status_code == 404
    for name in ("generation-video-cancel", "generation-video-delete", "generation-video-remix"):
        assert client.post(reverse(name, args=[job.public_id])).status_code == 404
    job.refresh_from_db()
    assert job.status == Status.QUEUED and job.deleted_at is None


def test_anonymous_is_sent_to_login(db):
    for name in ("generation-new", "generation-videos", "staff-generation"):
        response = Client().get(reverse(name))
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_my_videos_lists_only_mine(artist, other_artist, django_assert_max_num_queries):
    mine = JobFactory.create_batch(3, tester=artist, status=Status.COMPLETED)
    theirs = JobFactory(tester=other_artist)
    client = web(artist.user)
    with django_assert_max_num_queries(15):
        html = client.get(reverse("generation-videos")).content.decode()
    assert all(job.public_id in html for job in mine)
    assert theirs.public_id not in html


def test_cancel_and_delete_from_the_web(artist):
    job = JobFactory(tester=artist)
    client = web(artist.user)
    client.post(reverse("generation-video-cancel", args=[job.public_id]))
    job.refresh_from_db()
    assert job.status == Status.CANCELLED
    client.post(reverse("generation-video-delete", args=[job.public_id]))
    job.refresh_from_db()
    assert job.deleted_at is not None


def test_remix_from_the_web(artist):
    source = JobFactory(tester=artist, status=Status.COMPLETED)
    web(artist.user).post(
        reverse("generation-video-remix", args=[source.public_id]), {"prompt": "again"}
    )
    assert GenerationJob.objects.get(remixed_from=source).prompt == "again"


@pytest.mark.parametrize(
    ("role_fixture", "allowed"),
    [("program_staff", True), ("admin_user", True), ("curator", False), ("finance_user", False)],
)
def test_staff_jobs_page_by_role(request, role_fixture, allowed, artist):
    user = request.getfixturevalue(role_fixture)
    job = JobFactory(tester=artist)
    client = web(user)
    expected = 200 if allowed else 403
    assert client.get(reverse("staff-generation")).status_code == expected
    assert client.get(reverse("staff-generation-job", args=[job.public_id])).status_code == expected


def test_artist_cannot_open_staff_page(artist):
    assert web(artist.user).get(reverse("staff-generation")).status_code == 403


def test_staff_page_shows_queue_and_workers(program_staff, artist, django_assert_max_num_queries):
    from generation import services

    JobFactory.create_batch(4, tester=artist)
    services.worker_heartbeat(name="gpu-host:123")
    client = web(program_staff)
    with django_assert_max_num_queries(15):
        html = client.get(reverse("staff-generation")).content.decode()
    assert "gpu-host:123" in html and "alive" in html


def test_dashboard_panel_shows_quota(artist):
    html = web(artist.user).get(reverse("portal-dashboard")).content.decode()
    assert "GPU time left today" in html


def test_staff_overview_panel_for_program_staff_only(program, program_staff, curator):
    assert "Generation queue" in web(program_staff).get(reverse("staff-overview")).content.decode()
    assert "Generation queue" not in web(curator).get(reverse("staff-overview")).content.decode()


def test_staff_see_and_download_a_finished_video_through_a_checked_route(program_staff, artist):
    job = JobFactory(tester=artist)
    runner.job_run(job.pk)
    job.refresh_from_db()
    client = web(program_staff)
    html = client.get(reverse("staff-generation-job", args=[job.public_id])).content.decode()
    content = reverse("staff-generation-job-content", args=[job.public_id])
    assert f'src="{content}"' in html
    response = client.get(content)
    assert response.status_code == 200 and response["Content-Type"] == "video/mp4"
    assert b"".join(response.streaming_content)[4:8] == b"ftyp"
    assert client.get(f"{content}?variant=thumbnail")["Content-Type"] == "image/webp"
    bad = client.get(f"{content}?variant=raw")
    assert bad.status_code == 400 and b"variant" in bad.content
    assert web(artist.user).get(content).status_code == 403


def test_media_files_have_no_public_url(artist, settings):
    job = JobFactory(tester=artist)
    runner.job_run(job.pk)
    job.refresh_from_db()
    assert job.video.name
    assert Client().get(f"{settings.MEDIA_URL}{job.video.name}").status_code == 404
    assert web(artist.user).get(f"{settings.MEDIA_URL}{job.video.name}").status_code == 404
