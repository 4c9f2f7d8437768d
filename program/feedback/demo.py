"""Demo feedback: ~150 items over the last 75 days, in every state, so the clocks mean something."""

from datetime import datetime, timedelta

from django.utils import timezone

from generation.models import GenerationJob
from program.feedback.models import Feedback
from program.feedback.services import (
    feedback_close_stale,
    feedback_comment_add,
    feedback_create,
    feedback_ship,
    feedback_transition,
)
from program.models import Tester

ITEMS = 150
TOPICS = {
    "bug": [
        ("Video freezes after two seconds at 1280x720", "The last frames repeat the first one."),
        ("Seed does not reproduce the same clip", "Same prompt, same seed, different motion."),
        ("Job stuck at 99% for an hour", "Progress stops and the job never completes."),
        ("Spritesheet is blank for vertical videos", "The thumbnail grid is all black."),
    ],
    "quality": [
        ("Hands fuse in close-ups", "Fingers merge when the subject waves."),
        ("Water looks like jelly", "Waves move as one solid block."),
        ("Faces drift between frames", "Identity changes halfway through the shot."),
        ("Text on signs is garbled", "Shop signs show invented letters."),
    ],
    "safety": [
        ("Violent imagery from a harmless prompt", "A birthday party prompt showed injuries."),
        ("Real person's likeness reproduced", "A generic 'news anchor' looks like a real one."),
    ],
    "idea": [
        ("Loop mode for seamless clips", "Let the last frame match the first."),
        ("Negative prompt presets", "Save and reuse negative prompts."),
        ("Camera path control", "Dolly, pan and orbit as parameters."),
    ],
    "praise": [
        ("Lighting at golden hour is stunning", "Best dusk light I have seen from a model."),
        ("Fabric motion feels real", "Silk and wind look right."),
    ],
}
REPLIES = [
    "Thanks, we can reproduce this and are looking into it.",
    "Could you share the seed and the exact size you used?",
    "Good catch. This is on the list for the next model version.",
    "We have seen a few reports like this; linking them together.",
]
ARTIST_REPLIES = ["Seed 1234, 832x480, 4 seconds.", "Happens every time with that prompt."]


def _when(context, days_ago: float, hours: float = 0) -> datetime:
    return timezone.now() - timedelta(days=days_ago) + timedelta(hours=hours)


def seed(context) -> None:
    rng = context.rng
    staff = context.staff["staff"]
    artists = [a for a in context.artists if a.status == Tester.Status.ACTIVE]
    if not artists or Feedback.objects.filter(program=context.program).exists():
        return
    created: list[Feedback] = []
    kinds = ["bug"] * 4 + ["quality"] * 4 + ["safety"] + ["idea"] * 2 + ["praise"]
    for _ in range(ITEMS):
        artist = rng.choice(artists)
        kind = rng.choice(kinds)
        title, body = rng.choice(TOPICS[kind])
        age = rng.uniform(0.2, 75)
        job_ids = list(
            GenerationJob.objects.filter(tester=artist).values_list("public_id", flat=True)[:1]
        )
        feedback = feedback_create(
            tester=artist,
            kind=kind,
            title=title,
            body=f"{body}\n\n*Steps:* ran it {rng.randint(2, 9)} times.",
            severity=rng.choice(["P1", "P2", "P3", "P3", "P4"])
            if kind in ("bug", "safety")
            else "",
            job_ids=job_ids,
            now=_when(context, age),
        )
        created.append(feedback)
        _advance(context, feedback, age, staff, created)
    context.extra["feedback"] = created
    feedback_close_stale()


def _advance(context, feedback: Feedback, age: float, staff, created: list[Feedback]) -> None:
    """Walk an item forward in time: most get timely answers, some are late, recent ones wait."""
    rng = context.rng
    # Response delays in days: mostly within promise, a tail beyond it.
    respond = rng.choice([0.2, 0.5, 0.9, 1.2, 1.8, 2.5, 4.0])
    if age < respond:
        return
    moment = age - respond
    if rng.random() < 0.5:
        feedback_comment_add(
            feedback=feedback, author=staff, body=rng.choice(REPLIES), now=_when(context, moment)
        )
    triage = moment - rng.uniform(0, 3)
    if triage < 0:
        return
    feedback_transition(
        feedback=feedback, actor=staff, to_state="triaged", now=_when(context, triage)
    )
    if rng.random() < 0.15:
        feedback_comment_add(
            feedback=feedback,
            author=staff,
            body="Probably the same root cause as the temporal drift issue.",
            internal=True,
            now=_when(context, triage),
        )
    decide = triage - rng.uniform(0.5, 9)
    if decide < 0:
        return
    roll = rng.random()
    if roll < 0.12:
        feedback_transition(
            feedback=feedback,
            actor=staff,
            to_state="needs_info",
            note="Which seed and size did you use?",
            now=_when(context, decide),
        )
        if rng.random() < 0.5 and decide > 1:
            feedback_comment_add(
                feedback=feedback,
                author=feedback.tester.user,
                body=rng.choice(ARTIST_REPLIES),
                now=_when(context, decide - 1),
            )
            if decide > 3:
                feedback_transition(
                    feedback=feedback,
                    actor=staff,
                    to_state=rng.choice(["accepted", "informative"]),
                    now=_when(context, decide - 2.5),
                )
        return
    originals = [
        item
        for item in created[:-1]
        if item.title == feedback.title and item.created_at < feedback.created_at
    ]
    if originals and roll < 0.35:
        feedback_transition(
            feedback=feedback,
            actor=staff,
            to_state="duplicate",
            duplicate_of=originals[0],
            now=_when(context, decide),
        )
        return
    if feedback.kind == "praise":
        state = "informative"
    else:
        state = rng.choice(["accepted", "accepted", "informative", "not_applicable"])
    feedback_transition(
        feedback=feedback,
        actor=staff,
        to_state=state,
        note="Thank you for the clear report." if state == "accepted" else "",
        now=_when(context, decide),
    )
    if state == "accepted" and rng.random() < 0.4:
        feedback_ship(feedback=feedback, actor=staff, version=rng.choice(["1.1", "1.2"]))
