"""Web pages for films: public showcase, artist portal, curator review (blind), staff console."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from atelier.errors import ServiceError
from generation.models import GenerationJob
from program.access.network import client_ip
from program.films import forms as f
from program.films import selectors
from program.films.models import Assignment, Decision, Film, License, Round, Screening
from program.films.services import curation, films, licensing, screenings
from program.roles import Role, has_role, role_required
from program.views import _staff_program, _tester_or_404

User = get_user_model()
STAFF = (Role.PROGRAM_STAFF,)


def _fail(request, exc: ServiceError, form=None) -> None:
    if form is not None:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    else:
        messages.error(request, exc.message)


def _run_form(request, form, action):
    """Validate `form` and run `action(**cleaned_data)`; a refusal lands on the form (None)."""
    if not form.is_valid():
        return None
    try:
        return action(**form.cleaned_data)
    except ServiceError as exc:
        _fail(request, exc, form)
        return None


def _require_program_staff(request) -> None:
    """Finance may read the screening and license pages; only program staff change them."""
    if not has_role(request.user, Role.PROGRAM_STAFF):
        raise PermissionDenied


# --- Public -----------------------------------------------------------------------------------


@require_safe
def public_films(request):
    page = Paginator(selectors.film_list_public(), 24).get_page(request.GET.get("page"))
    return render(request, "films/public.html", {"page": page})


@require_safe
def film_media(request, pk: int, variant: str):
    """Stream a film's video or poster to whoever may see it; 404 to everyone else."""
    film = get_object_or_404(Film.objects.select_related("tester"), pk=pk)
    if variant not in ("video", "poster") or not selectors.film_media_allowed(
        user=request.user, film=film
    ):
        raise Http404
    file = film.video if variant == "video" else film.poster
    if not file:
        raise Http404
    return FileResponse(
        file.open("rb"), content_type="video/mp4" if variant == "video" else "image/jpeg"
    )


# --- Artists ----------------------------------------------------------------------------------


@require_safe
@role_required(Role.ARTIST)
def my_films(request):
    tester = _tester_or_404(request)
    return render(
        request,
        "films/mine.html",
        {
            "films": selectors.film_list_for_tester(tester=tester),
            "licenses": selectors.license_list_for_tester(tester=tester).filter(
                status=License.Status.PENDING
            ),
        },
    )


@require_safe
@role_required(Role.ARTIST)
def my_licenses(request):
    tester = _tester_or_404(request)
    return render(
        request,
        "films/licenses_mine.html",
        {"licenses": selectors.license_list_for_tester(tester=tester)},
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.ARTIST)
def submit_film(request):
    tester = _tester_or_404(request)
    jobs = GenerationJob.objects.filter(
        tester=tester, status=GenerationJob.Status.COMPLETED, deleted_at__isnull=True
    ).exclude(video="")[:100]
    prefill = request.GET.get("job", "")
    initial_job = next((job for job in jobs if job.public_id == prefill), None)
    # Both forms share field names: distinct ids keep each label tied to its own field.
    upload_form = f.FilmUploadForm(auto_id="upload_%s")
    assemble_form = f.FilmAssembleForm(
        jobs=jobs,
        auto_id="assemble_%s",
        initial={
            "jobs": [initial_job.public_id] if initial_job else [],
            "title": initial_job.prompt[:80] if initial_job else "",
        },
    )
    if request.method == "POST":
        assembling = request.POST.get("mode") == "jobs"
        form = (
            f.FilmAssembleForm(request.POST, jobs=jobs, auto_id="assemble_%s")
            if assembling
            else f.FilmUploadForm(request.POST, request.FILES, auto_id="upload_%s")
        )
        if assembling:
            assemble_form = form
        else:
            upload_form = form
        if form.is_valid():
            data = form.cleaned_data
            common = {
                "tester": tester,
                "title": data["title"],
                "description": data["description"],
                "credits": data["credits"],
            }
            try:
                film = (
                    films.film_create_from_jobs(job_ids=data["jobs"], **common)
                    if assembling
                    else films.film_create_upload(upload=data["video"], **common)
                )
                if data["submit_now"]:
                    film = films.film_submit(film=film, tester=tester)
            except ServiceError as exc:
                _fail(request, exc, form)
            else:
                messages.success(request, f"“{film.title}” is saved ({film.get_status_display()}).")
                return redirect("films-detail", pk=film.pk)
    return render(
        request,
        "films/submit.html",
        {
            "upload_form": upload_form,
            "assemble_form": assemble_form,
            "has_jobs": bool(jobs),
            "open_round": films.round_open(program=tester.program),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.ARTIST)
def film_detail(request, pk: int):
    tester = _tester_or_404(request)
    film = selectors.film_get_for_tester(tester=tester, pk=pk)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            _artist_action(request, tester=tester, film=film, action=action)
        except ServiceError as exc:
            _fail(request, exc)
        return redirect("films-detail", pk=film.pk)
    return render(
        request,
        "films/detail.html",
        {
            "film": film,
            "changes": film.status_changes.all()[:30],
            "provenance": film.provenance.all(),
            "reviews": selectors.shared_reviews(film=film),
            "decision": selectors.film_released_decision(film),
            "licenses": film.licenses.order_by("-requested_at"),
            "credit_form": f.CreditLineForm(
                initial={"credit_line": film.credit_line or film.credit_line_proposed}
            ),
        },
    )


def _artist_action(request, *, tester, film, action: str) -> None:
    reason = request.POST.get("reason", "")
    if action == "submit":
        films.film_submit(film=film, tester=tester)
        messages.success(request, "Submitted. You will hear on the round's notification date.")
    elif action == "withdraw":
        films.film_withdraw(film=film, tester=tester, reason=reason)
        messages.success(request, "Withdrawn.")
    elif action == "credit_line":
        films.film_credit_line_approve(
            film=film, tester=tester, text=request.POST.get("credit_line", "")
        )
        messages.success(request, "Credit line approved.")
    elif action in ("license_accept", "license_decline", "license_withdraw"):
        license = get_object_or_404(License, pk=request.POST.get("license") or 0, film=film)
        if action == "license_accept":
            licensing.license_accept(license=license, tester=tester, ip_address=client_ip(request))
            messages.success(request, "License accepted; the exact terms are recorded.")
        elif action == "license_decline":
            licensing.license_decline(license=license, tester=tester, reason=reason)
            messages.success(request, "License declined.")
        else:
            licensing.license_withdraw(license=license, tester=tester, reason=reason)
            messages.success(request, "Consent withdrawn for every future use.")
    else:
        raise ServiceError("Unknown action.", field="action")


# --- Curators ---------------------------------------------------------------------------------


@require_safe
@role_required(Role.CURATOR)
def curator_assignments(request):
    assignments = selectors.assignment_list_for_curator(curator=request.user)
    rounds = {a.round for a in assignments if a.status == Assignment.Status.SUBMITTED}
    return render(
        request, "films/curator_assignments.html", {"assignments": assignments, "rounds": rounds}
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.CURATOR)
def curator_review(request, pk: int):
    assignment = selectors.assignment_get_for_curator(curator=request.user, pk=pk)
    criteria = list(assignment.round.criteria.all())
    form = f.ReviewForm(criteria=criteria)
    conflict_form = f.ConflictForm()
    if request.method == "POST" and request.POST.get("action") == "conflict":
        conflict_form = f.ConflictForm(request.POST)
        if conflict_form.is_valid():
            try:
                replacement = curation.conflict_declare(
                    assignment=assignment,
                    curator=request.user,
                    reason=conflict_form.cleaned_data["reason"],
                )
            except ServiceError as exc:
                _fail(request, exc, conflict_form)
            else:
                messages.success(
                    request,
                    "You are recused from this film."
                    + (" Another curator takes over." if replacement else ""),
                )
                return redirect("films-curator")
    elif request.method == "POST":
        form = f.ReviewForm(request.POST, criteria=criteria)
        if form.is_valid():
            try:
                curation.review_submit(
                    assignment=assignment,
                    curator=request.user,
                    scores=form.scores(),
                    feedback=form.cleaned_data["feedback"],
                    private_note=form.cleaned_data["private_note"],
                    share_with_artist=form.cleaned_data["share_with_artist"],
                )
            except ServiceError as exc:
                _fail(request, exc, form)
            else:
                messages.success(request, "Review submitted. The other reviews are now visible.")
                return redirect("films-review", pk=assignment.pk)
    my_scores = {score.criterion_id: score.value for score in assignment.scores.all()}
    return render(
        request,
        "films/curator_review.html",
        {
            "assignment": assignment,
            "film": selectors.blind_film(assignment=assignment),
            "criteria": criteria,
            "my_scores": [(c, my_scores.get(c.pk)) for c in criteria],
            "others": selectors.other_reviews(assignment=assignment),
            "form": form,
            "conflict_form": conflict_form,
        },
    )


@require_safe
@role_required(Role.CURATOR, Role.PROGRAM_STAFF)
def round_results(request, pk: int):
    """A curator sees results only for films they have scored; staff see the whole round."""
    round = get_object_or_404(Round, pk=pk, program=_staff_program(request))
    staff = has_role(request.user, Role.PROGRAM_STAFF)
    film_ids = (
        None if staff else selectors.curator_reviewed_film_ids(curator=request.user, round=round)
    )
    if film_ids == []:
        raise Http404("Score a film in this round first.")
    results = selectors.round_results(round=round, film_ids=film_ids)
    return render(
        request,
        "films/results.html",
        {
            "round": round,
            "results": results,
            "staff": staff,
            "outcomes": Decision.Outcome.choices,
        },
    )


# --- Staff ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@role_required(*STAFF)
def staff_films(request):
    program = _staff_program(request)
    if request.method == "POST":
        film = get_object_or_404(Film, pk=request.POST.get("film") or 0, program=program)
        try:
            films.film_credit_line_propose(
                film=film, text=request.POST.get("credit_line", ""), actor=request.user
            )
        except ServiceError as exc:
            _fail(request, exc)
        else:
            messages.success(request, "Credit line proposed; the artist approves it.")
        return redirect("films-staff")
    status = request.GET.get("status", "")
    page = Paginator(selectors.film_list_for_staff(program=program, status=status), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "films/staff_films.html",
        {"page": page, "status": status, "statuses": Film.Status.choices},
    )


@require_http_methods(["GET", "POST"])
@role_required(*STAFF)
def staff_rounds(request):
    program = _staff_program(request)
    form = f.RoundForm()
    if request.method == "POST":
        form = f.RoundForm(request.POST)
        round = _run_form(
            request,
            form,
            lambda **data: curation.round_create(program=program, actor=request.user, **data),
        )
        if round is not None:
            messages.success(request, "Round created. Add its rubric next.")
            return redirect("films-round", pk=round.pk)
    return render(
        request,
        "films/staff_rounds.html",
        {"rounds": selectors.round_list(program=program), "form": form},
    )


@require_http_methods(["GET", "POST"])
@role_required(*STAFF)
def staff_round(request, pk: int):
    program = _staff_program(request)
    round = get_object_or_404(Round, pk=pk, program=program)
    criterion_form = f.CriterionForm()
    curators = curation.curators_all().filter(is_superuser=False).order_by("email")
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "criterion":
                criterion_form = f.CriterionForm(request.POST)
                if criterion_form.is_valid():
                    curation.criterion_add(
                        round=round, actor=request.user, **criterion_form.cleaned_data
                    )
                    messages.success(request, "Criterion added.")
                    return redirect("films-round", pk=round.pk)
            elif action == "autoassign":
                created = curation.assignments_autoassign(
                    round=round,
                    actor=request.user,
                    every_film=request.POST.get("every_film") == "1",
                )
                messages.success(request, f"{created} assignment(s) made.")
                return redirect("films-round", pk=round.pk)
            elif action == "assign":
                form = f.AssignForm(request.POST, curators=curators)
                if form.is_valid():
                    film = get_object_or_404(Film, pk=form.cleaned_data["film"], round=round)
                    curation.assignment_create(
                        film=film, curator=form.cleaned_data["curator"], actor=request.user
                    )
                    messages.success(request, "Curator assigned.")
                return redirect("films-round", pk=round.pk)
            elif action == "decision":
                form = f.DecisionForm(request.POST)
                if form.is_valid():
                    # The film may be in this round, or shortlisted by an earlier one.
                    film = get_object_or_404(Film, pk=form.cleaned_data["film"], program=program)
                    curation.decision_record(
                        round=round,
                        film=film,
                        outcome=form.cleaned_data["outcome"],
                        note=form.cleaned_data["note"],
                        actor=request.user,
                    )
                    messages.success(request, f"Decision recorded for “{film.title}”.")
                return redirect("films-round", pk=round.pk)
            elif action == "release":
                curation.round_release(round=round, actor=request.user)
                messages.success(request, "Decisions released; every artist was told together.")
                return redirect("films-round", pk=round.pk)
            elif action == "status":
                curation.round_update(
                    round=round, actor=request.user, status=request.POST.get("status")
                )
                return redirect("films-round", pk=round.pk)
        except ServiceError as exc:
            _fail(request, exc, criterion_form if action == "criterion" else None)
            if action != "criterion":
                return redirect("films-round", pk=round.pk)
    return render(
        request,
        "films/staff_round.html",
        {
            "round": round,
            "criteria": round.criteria.all(),
            "criterion_form": criterion_form,
            "results": selectors.round_results(round=round),
            "assignments": selectors.assignment_list_for_round(round=round),
            "curators": curators,
            "outcomes": Decision.Outcome.choices,
            "undecided": curation.round_undecided(round).count(),
            "shortlist": Film.objects.filter(
                program=program,
                status=Film.Status.SHORTLISTED,
                round__status=Round.Status.RELEASED,
            ).order_by("title"),
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.PROGRAM_STAFF, Role.FINANCE)
def staff_screenings(request):
    program = _staff_program(request)
    form = f.ScreeningForm()
    if request.method == "POST":
        _require_program_staff(request)
        form = f.ScreeningForm(request.POST)
        screening = _run_form(
            request,
            form,
            lambda **data: screenings.screening_create(program=program, actor=request.user, **data),
        )
        if screening is not None:
            return redirect("films-screening", pk=screening.pk)
    return render(
        request,
        "films/staff_screenings.html",
        {"screenings": selectors.screening_list(program=program), "form": form},
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.PROGRAM_STAFF, Role.FINANCE)
def staff_screening(request, pk: int):
    program = _staff_program(request)
    screening = get_object_or_404(Screening, pk=pk, program=program)
    selected = Film.objects.filter(program=program, status=Film.Status.SELECTED).order_by("title")
    form = f.FilmChoiceForm(films=selected)
    if request.method == "POST":
        _require_program_staff(request)
        try:
            if request.POST.get("action") == "confirm":
                screenings.screening_confirm(screening=screening, actor=request.user)
                messages.success(request, "Confirmed: uses logged and fees recorded.")
            else:
                form = f.FilmChoiceForm(request.POST, films=selected)
                if form.is_valid():
                    screenings.screening_add_film(
                        screening=screening, film=form.cleaned_data["film"], actor=request.user
                    )
                    messages.success(request, "Added to the programme.")
        except ServiceError as exc:
            _fail(request, exc)
        return redirect("films-screening", pk=screening.pk)
    return render(
        request,
        "films/staff_screening.html",
        {
            "screening": screening,
            "entries": selectors.screening_programme(screening=screening),
            "form": form,
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.PROGRAM_STAFF, Role.FINANCE)
def staff_licenses(request):
    program = _staff_program(request)
    candidates = Film.objects.filter(program=program, status__in=licensing.LICENSABLE).order_by(
        "title"
    )
    form = f.LicenseRequestForm(films=candidates)
    if request.method == "POST":
        _require_program_staff(request)
        form = f.LicenseRequestForm(request.POST, films=candidates)
        license = _run_form(
            request, form, lambda **data: licensing.license_request(actor=request.user, **data)
        )
        if license is not None:
            messages.success(request, "Request sent to the artist.")
            return redirect("films-license", pk=license.pk)
    status = request.GET.get("status", "")
    page = Paginator(selectors.license_list(program=program, status=status), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "films/staff_licenses.html",
        {
            "page": page,
            "form": form,
            "uses": selectors.license_use_list(program=program)[:50],
            "can_edit": has_role(request.user, Role.PROGRAM_STAFF),
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.PROGRAM_STAFF, Role.FINANCE)
def staff_license(request, pk: int):
    program = _staff_program(request)
    license = get_object_or_404(
        License.objects.select_related("film__tester"), pk=pk, film__program=program
    )
    form = f.LicenseUseForm()
    if request.method == "POST":
        _require_program_staff(request)
        if request.POST.get("action") == "cancel":
            try:
                licensing.license_cancel(license=license, actor=request.user)
            except ServiceError as exc:
                _fail(request, exc)
            return redirect("films-license", pk=license.pk)
        form = f.LicenseUseForm(request.POST)
        if form.is_valid():
            try:
                licensing.license_use_log(license=license, actor=request.user, **form.cleaned_data)
            except ServiceError as exc:
                _fail(request, exc, form)
            else:
                messages.success(request, "Use logged.")
                return redirect("films-license", pk=license.pk)
    return render(
        request,
        "films/staff_license.html",
        {
            "license": license,
            "uses": license.uses.select_related("logged_by"),
            "form": form,
            "can_edit": has_role(request.user, Role.PROGRAM_STAFF),
        },
    )
