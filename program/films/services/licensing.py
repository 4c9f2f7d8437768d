"""Licenses: nothing promotional happens to a film without the artist's accepted, paid consent."""

import hashlib
import json
from datetime import date

from django.db import transaction
from django.utils import timezone

from atelier.errors import Conflict, NotAllowed, ServiceError
from payments import earnings
from program.access.audit import audit_record
from program.films.models import Film, License, LicenseUse
from program.films.services.common import clean_money, clean_text, notify_artist
from program.models import Tester

LICENSABLE = (
    Film.Status.SUBMITTED,
    Film.Status.IN_REVIEW,
    Film.Status.SHORTLISTED,
    Film.Status.SELECTED,
    Film.Status.NOT_SELECTED,
)


def _clean_channels(channels) -> list[str]:
    if isinstance(channels, str):
        channels = channels.split(",")
    cleaned = sorted({str(c).strip().lower() for c in channels or [] if str(c).strip()})
    if not cleaned:
        raise ServiceError("Name at least one channel.", field="channels", code="required")
    if any(len(c) > 100 for c in cleaned) or len(cleaned) > 20:
        raise ServiceError("Up to 20 channels of 100 characters.", field="channels")
    return cleaned


@transaction.atomic
def license_request(
    *,
    film: Film,
    use: str,
    channels,
    starts_on: date,
    ends_on: date,
    fee_minor: int,
    currency: str,
    terms: str = "",
    actor,
) -> License:
    """Ask the artist for one use of their film, stating channels, term and fee."""
    film = (
        Film.objects.select_for_update(of=("self",)).select_related("tester__user").get(pk=film.pk)
    )
    if film.status not in LICENSABLE:
        raise Conflict("Only submitted, unwithdrawn films can be licensed.", field="film")
    if use not in License.Use.values:
        raise ServiceError("Unknown use.", field="use", code="invalid_choice")
    if not isinstance(starts_on, date) or not isinstance(ends_on, date):
        raise ServiceError("Give the license term as dates.", field="starts_on")
    if ends_on < starts_on:
        raise ServiceError("The term ends before it starts.", field="ends_on", code="invalid")
    fee_minor, currency = clean_money(amount_minor=fee_minor, currency=currency)
    license = License.objects.create(
        film=film,
        use=use,
        channels=_clean_channels(channels),
        starts_on=starts_on,
        ends_on=ends_on,
        fee_minor=fee_minor,
        currency=currency,
        terms=clean_text(terms, field="terms", max_length=5000),
        requested_by=actor,
    )
    audit_record(
        action="films.license_requested", actor=actor, target=license, subject_tester=film.tester
    )
    notify_artist(
        film,
        kind="film.license_requested",
        title=f"License request for {film.title}: {license.get_use_display()}",
        body=(
            f"Channels: {', '.join(license.channels)}. Term: {starts_on} to {ends_on}. "
            f"Fee: {fee_minor} minor units of {currency}. Accept or decline in the portal."
        ),
    )
    return license


def license_terms(license: License) -> dict:
    """The exact terms an acceptance binds: what the artist saw, in a stable shape."""
    return {
        "license_id": license.pk,
        "film_id": license.film_id,
        "film_title": license.film.title,
        "use": license.use,
        "channels": list(license.channels),
        "starts_on": license.starts_on.isoformat(),
        "ends_on": license.ends_on.isoformat(),
        "fee_minor": license.fee_minor,
        "currency": license.currency,
        "terms": license.terms,
    }


def terms_hash(terms: dict) -> str:
    canonical = json.dumps(terms, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _lock_own(license: License, tester: Tester, *, status: str) -> License:
    """Lock the artist's own license, which must be in `status` for the answer to make sense."""
    license = (
        License.objects.select_for_update(of=("self",))
        .select_related("film__tester__user")
        .get(pk=license.pk)
    )
    if license.film.tester_id != tester.pk:
        raise NotAllowed("This is not your film's license.")
    if license.status != status:
        raise Conflict(
            f"This license is {license.get_status_display().lower()}.", code=f"not_{status}"
        )
    return license


@transaction.atomic
def license_accept(*, license: License, tester: Tester, ip_address: str | None) -> License:
    """Accept: record the exact terms, their hash, the time and the IP; the fee is earned."""
    license = _lock_own(license, tester, status=License.Status.PENDING)
    if license.film.status == Film.Status.WITHDRAWN:
        raise Conflict("The film is withdrawn.", code="film_withdrawn")
    terms = license_terms(license)
    license.status = License.Status.ACCEPTED
    license.responded_at = timezone.now()
    license.accepted_terms = terms
    license.accepted_terms_sha256 = terms_hash(terms)
    license.accepted_ip = ip_address
    license.save()
    earnings.earning_record(
        tester=tester,
        rule="license.fee",
        source=license,
        occurred_at=license.responded_at,
        amount_minor=license.fee_minor,
        currency=license.currency,
        description=f"{license.get_use_display()} license for {license.film.title}",
    )
    audit_record(
        action="films.license_accepted",
        actor=tester.user,
        target=license,
        subject_tester=tester,
        ip_address=ip_address,
        data={"sha256": license.accepted_terms_sha256},
    )
    return license


@transaction.atomic
def license_decline(*, license: License, tester: Tester, reason: str = "") -> License:
    license = _lock_own(license, tester, status=License.Status.PENDING)
    license.status = License.Status.DECLINED
    license.responded_at = timezone.now()
    license.decline_reason = clean_text(reason, field="reason", max_length=2000)
    license.save(update_fields=["status", "responded_at", "decline_reason"])
    audit_record(
        action="films.license_declined", actor=tester.user, target=license, subject_tester=tester
    )
    return license


@transaction.atomic
def license_withdraw(*, license: License, tester: Tester, reason: str = "") -> License:
    """Withdraw consent for every future use. Uses already logged stay in the log."""
    license = _lock_own(license, tester, status=License.Status.ACCEPTED)
    license.status = License.Status.WITHDRAWN
    license.withdrawn_at = timezone.now()
    license.withdraw_reason = clean_text(reason, field="reason", max_length=2000)
    license.save(update_fields=["status", "withdrawn_at", "withdraw_reason"])
    audit_record(
        action="films.license_withdrawn", actor=tester.user, target=license, subject_tester=tester
    )
    return license


@transaction.atomic
def license_cancel(*, license: License, actor) -> License:
    license = (
        License.objects.select_for_update(of=("self",))
        .select_related("film__tester__user")
        .get(pk=license.pk)
    )
    if license.status != License.Status.PENDING:
        raise Conflict("Only a pending request can be cancelled.", code="not_pending")
    license.status = License.Status.CANCELLED
    license.responded_at = timezone.now()
    license.save(update_fields=["status", "responded_at"])
    notify_artist(
        license.film,
        kind="film.license_cancelled",
        title=f"A license request for {license.film.title} was cancelled",
    )
    return license


def license_refusal(license: License, *, channel: str, used_on: date) -> str | None:
    """Why a use would be refused, or None when the license covers it."""
    if license.status == License.Status.WITHDRAWN:
        return "The artist withdrew consent for future uses."
    if license.status != License.Status.ACCEPTED:
        return f"The license is {license.get_status_display().lower()}, not accepted."
    if not license.starts_on <= used_on <= license.ends_on:
        return f"{used_on} is outside the license term ({license.starts_on} to {license.ends_on})."
    if channel not in license.channels:
        return f"'{channel}' is not a licensed channel ({', '.join(license.channels)})."
    return None


def license_use_log(
    *, license: License, channel: str, used_on: date, description: str, actor
) -> LicenseUse:
    """Log one use; a use the license does not cover is refused, and the refusal is audited."""
    channel = clean_text(channel, field="channel", max_length=100, required=True).lower()
    description = clean_text(description, field="description", max_length=300, required=True)
    if not isinstance(used_on, date):
        raise ServiceError("Give the date of the use.", field="used_on")
    with transaction.atomic():
        license = (
            License.objects.select_for_update(of=("self",))
            .select_related("film__tester")
            .get(pk=license.pk)
        )
        refusal = license_refusal(license, channel=channel, used_on=used_on)
        if refusal is None:
            return LicenseUse.objects.create(
                license=license,
                channel=channel,
                used_on=used_on,
                description=description,
                logged_by=actor,
            )
    # Outside the transaction, so the refused attempt stays on the record.
    audit_record(
        action="films.license_use_refused",
        actor=actor,
        target=license,
        subject_tester=license.film.tester,
        reason=refusal,
        data={"channel": channel, "used_on": used_on.isoformat()},
    )
    raise Conflict(refusal, field="channel", code="use_not_licensed")
