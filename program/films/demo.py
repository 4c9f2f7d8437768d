"""Demo data for films: a released round (selected films, licenses, screenings) and a round in
review with blind assignments for the three demo curators. Uses tiny MP4s made in code."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from program.films.media import tiny_mp4
from program.films.models import Round
from program.films.services import curation, films, licensing, screenings
from program.models import Tester

TITLES = [
    "Salt and Static",
    "The Lighthouse Keeper's Daughter",
    "Paper Moons",
    "Night Swim",
    "Glass Orchard",
    "Where the Trams Sleep",
    "Monsoon Letters",
    "A Small Weather",
    "Copper Birds",
    "The Last Projectionist",
    "Low Tide Choir",
    "Neon Vespers",
    "Harbour of Lost Kites",
    "Dust Cathedral",
    "Signal Fires",
    "Velvet Underpass",
    "Ten Thousand Lanterns",
    "Orbit of a Teacup",
    "The Cartographer's Dream",
    "Soft Machines",
    "Midnight Laundromat",
    "Fern Light",
    "The Quiet Tsunami",
    "Balcony Gods",
    "Postcards from Io",
    "Red Thread",
    "Snow in the Tropics",
    "Ink Rivers",
    "Bicycle Ghosts",
    "After the Carnival",
    "Slow Comet",
    "Tin Crown",
    "Mirror Farm",
    "The Bee Archive",
    "Rust Ballet",
    "Sugar Storm",
    "Clockwork Estuary",
    "Hollow Sun",
    "Marble Rain",
    "Kites over Lagos",
]
RUBRIC = [
    ("Storytelling", "Does the film hold together and move you?", 3, 1, 5),
    ("Craft", "Composition, pacing, sound and edit.", 2, 1, 5),
    ("Use of the model", "Does it show what the model can do, or push past it?", 1, 1, 10),
]
FEEDBACK = [
    "The opening image is striking; the middle section loses momentum.",
    "Beautiful palette. I would love a tighter edit in the last third.",
    "Inventive use of motion; the ending felt abrupt.",
    "Strong atmosphere, and the sound design carries it.",
]


def _upload(rng, index: int) -> SimpleUploadedFile:
    data = tiny_mp4(frames=12, size=(64, 36), fps=6, shade=rng.randint(0, 255) + index)
    return SimpleUploadedFile(f"demo-{index}.mp4", data, "video/mp4")


def _film(context, tester, index: int, submit: bool = True):
    film = films.film_create_upload(
        tester=tester,
        title=TITLES[index % len(TITLES)],
        description="A short film made during the Atelier early-access program.",
        credits=f"Directed by {tester.display_name}. Music: library.",
        upload=_upload(context.rng, index),
    )
    return films.film_submit(film=film, tester=tester) if submit else film


def _review_all(rng, round: Round, curators) -> None:
    for curator in curators:
        for assignment in round.assignments.filter(curator=curator, status="assigned"):
            criteria = list(round.criteria.all())
            curation.review_submit(
                assignment=assignment,
                curator=curator,
                scores={c.pk: rng.randint(c.scale_min + 1, c.scale_max) for c in criteria},
                feedback=rng.choice(FEEDBACK),
                private_note="Discuss at the panel." if rng.random() < 0.2 else "",
                share_with_artist=rng.random() > 0.1,
            )


def _rubric(round: Round, actor) -> None:
    for name, description, weight, low, high in RUBRIC:
        curation.criterion_add(
            round=round,
            name=name,
            description=description,
            weight=weight,
            scale_min=low,
            scale_max=high,
            actor=actor,
        )


def seed(context) -> None:
    program, rng, staff = context.program, context.rng, context.staff
    curators = [staff["curator"], staff["curator2"], staff["curator3"]]
    actor = staff["staff"]
    active = [t for t in context.artists if t.status == Tester.Status.ACTIVE]
    if len(active) < 40:
        return
    now = timezone.now()

    # 1. A released round: everyone reviewed, decisions out, selected films licensed.
    released = curation.round_create(
        program=program,
        name="Autumn selection",
        description="Films made in the first weeks of the program.",
        notify_at=now + timedelta(days=1),
        reviewers_per_film=3,
        actor=actor,
    )
    _rubric(released, actor)
    first = [_film(context, tester, index) for index, tester in enumerate(active[:12])]
    curation.assignments_autoassign(round=released, actor=actor, curators=curators)
    _review_all(rng, released, curators)
    outcomes = ["selected"] * 5 + ["shortlisted"] * 3 + ["not_selected"] * 4
    for film, outcome in zip(first, outcomes, strict=True):
        curation.decision_record(
            round=released,
            film=film,
            outcome=outcome,
            note="Thank you for your film. The panel's scores and notes are below.",
            actor=actor,
        )
    # The demo starts after the notification date.
    Round.objects.filter(pk=released.pk).update(notify_at=now - timedelta(days=3))
    released.refresh_from_db()
    curation.round_release(round=released, actor=actor)

    selected = [f for f, o in zip(first, outcomes, strict=True) if o == "selected"]
    today = timezone.localdate()
    licensed = []
    for index, film in enumerate(selected):
        film.refresh_from_db()
        films.film_credit_line_approve(
            film=film,
            tester=film.tester,
            text=f"{film.title}, a film by {film.tester.display_name}",
        )
        license = licensing.license_request(
            film=film,
            use="showcase",
            channels=["website", "screening"],
            starts_on=today - timedelta(days=2),
            ends_on=today + timedelta(days=180),
            fee_minor=50000,
            currency="USD",
            terms="Shown on the Atelier website and at program screenings.",
            actor=actor,
        )
        if index < 4:
            licensing.license_accept(license=license, tester=film.tester, ip_address="127.0.0.1")
            licensed.append(film)
    for film in selected:
        if film.tester.user.email == "artist@atelier.test":
            # Something for the demo artist to answer.
            licensing.license_request(
                film=film,
                use="press",
                channels=["press kit", "magazine"],
                starts_on=today,
                ends_on=today + timedelta(days=90),
                fee_minor=30000,
                currency="USD",
                terms="Stills and a 10-second excerpt in the launch press kit.",
                actor=actor,
            )
    if licensed:
        social = licensing.license_request(
            film=licensed[0],
            use="social",
            channels=["instagram"],
            starts_on=today,
            ends_on=today + timedelta(days=30),
            fee_minor=20000,
            currency="USD",
            actor=actor,
        )
        licensing.license_accept(license=social, tester=licensed[0].tester, ip_address="127.0.0.1")
        licensing.license_use_log(
            license=social,
            channel="instagram",
            used_on=today,
            description="Program account post",
            actor=actor,
        )
    past = screenings.screening_create(
        program=program,
        title="Atelier shorts night",
        description="The first program screening.",
        starts_at=now - timedelta(days=1),
        place="Cinéma du Port, Marseille",
        fee_minor=15000,
        currency="USD",
        actor=actor,
    )
    for film in licensed[:3]:
        screenings.screening_add_film(screening=past, film=film, actor=actor)
    if licensed:
        screenings.screening_confirm(screening=past, actor=actor)
    upcoming = screenings.screening_create(
        program=program,
        title="Online showcase",
        starts_at=now + timedelta(days=10),
        link="https://showcase.example/atelier",
        fee_minor=10000,
        currency="USD",
        actor=actor,
    )
    for film in licensed[1:]:
        screenings.screening_add_film(screening=upcoming, film=film, actor=actor)

    # 2. A round in review: blind assignments, some reviews in, one conflict declared.
    current = curation.round_create(
        program=program,
        name="Winter open call",
        description="Open to every active artist.",
        notify_at=now + timedelta(days=21),
        reviewers_per_film=2,
        actor=actor,
    )
    _rubric(current, actor)
    # The demo artist (artist@) has a film in each round.
    artist_zero = [t for t in active if t.user.email == "artist@atelier.test"]
    pool = artist_zero + [t for t in active[12:40] if t not in artist_zero]
    second = [_film(context, tester, 12 + index) for index, tester in enumerate(pool[:26])]
    _film(context, pool[26], 38, submit=False)  # a draft
    withdrawn = _film(context, pool[27], 39)
    films.film_withdraw(film=withdrawn, tester=withdrawn.tester, reason="Re-editing")
    curation.assignments_autoassign(round=current, actor=actor, curators=curators)
    _review_all(rng, current, curators[1:])
    conflicted = current.assignments.filter(curator=curators[0], status="assigned").first()
    if conflicted:
        curation.conflict_declare(
            assignment=conflicted, curator=curators[0], reason="I mentor this artist."
        )
    context.extra["films"] = {"released_round": released, "current_round": current}
    context.extra["films_submitted"] = len(first) + len(second) + 2
