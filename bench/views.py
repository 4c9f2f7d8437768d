"""Bare Django baselines: the same SQL as the real endpoint, none of the framework around it."""

import json
import random

from celery import current_app
from django.db import connection, transaction
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from generation.models import GenerationJob
from program.access import token_format
from program.access.models import AccessToken


class StatementCounter:
    """An execute_wrapper counting the SQL statements sent (BEGIN and COMMIT are not)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class QueryCountMiddleware:
    """Adds `X-Query-Count`: SQL statements run while answering this request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        counter = StatementCounter()
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response["X-Query-Count"] = str(counter.count)
        return response


def _token(request):
    raw = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return (
        AccessToken.objects.select_related("tester__user", "tester__program")
        .filter(token_hash=token_format.hash_token(raw), status=AccessToken.Status.ACTIVE)
        .first()
    )


def _video(job: GenerationJob) -> dict:
    return {
        "id": job.public_id,
        "object": "video",
        "model": job.model,
        "status": job.status,
        "progress": job.progress,
        "created_at": int(job.created_at.timestamp()),
        "prompt": job.prompt,
        "seconds": str(job.seconds),
        "size": f"{job.width}x{job.height}",
    }


@csrf_exempt
def bare_videos(request):
    token = _token(request)
    if token is None:
        return JsonResponse(
            {"error": {"message": "no", "type": "authentication_error"}}, status=401
        )
    if request.method == "POST":
        body = json.loads(request.body or b"{}")
        width, height = (int(x) for x in body.get("size", "64x64").split("x"))
        job = GenerationJob.objects.create(
            tester=token.tester,
            token=token,
            model=body.get("model", "tiny"),
            prompt=body.get("prompt", ""),
            width=width,
            height=height,
            seconds=body.get("seconds", "1"),
            fps=8,
            num_frames=9,
            num_inference_steps=2,
            guidance_scale=3.0,
            seed=random.randint(0, 2**31),
            created_at=timezone.now(),
        )
        # The real endpoint hands the job to the broker after commit; so does the baseline, to a
        # queue nobody consumes, so both pay for one broker publish.
        transaction.on_commit(
            lambda: current_app.send_task("bench.noop", args=[job.pk], queue="bench")
        )
        return JsonResponse(_video(job), status=200)
    limit = int(request.GET.get("limit", 20))
    jobs = list(
        GenerationJob.objects.filter(tester=token.tester, deleted_at__isnull=True).order_by(
            "-created_at", "-id"
        )[: limit + 1]
    )
    data = [_video(job) for job in jobs[:limit]]
    return JsonResponse(
        {
            "object": "list",
            "data": data,
            "first_id": data[0]["id"] if data else None,
            "last_id": data[-1]["id"] if data else None,
            "has_more": len(jobs) > limit,
        }
    )
