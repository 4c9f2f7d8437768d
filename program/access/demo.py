"""Demo data for access: tokens, a quarantined token with evidence, a flag, a past pause."""

from datetime import timedelta

from django.utils import timezone

from program.access.audit import audit_record
from program.access.limits import security_defaults
from program.access.models import (
    AccessToken,
    AuditEvent,
    ProgramPause,
    ProgramSecurity,
    SecurityFlag,
    TokenUsage,
)
from program.access.network import network_of
from program.access.services import (
    security_flag_raise,
    token_issue,
    token_quarantine,
    token_release,
    token_rotate,
)
from program.models import Tester


def _usage(token, *, ip: str, at, user_agent: str = "python-openai/2.1", origin: str = ""):
    return TokenUsage(
        token=token,
        tester=token.tester,
        created_at=at,
        ip_address=ip,
        network=network_of(ip),
        method="POST",
        route="v1/videos",
        user_agent=user_agent,
        origin=origin,
    )


def seed(context) -> None:
    program, rng, staff = context.program, context.rng, context.staff
    now = timezone.now()
    ProgramSecurity.objects.get_or_create(
        program=program,
        defaults={**security_defaults(), "origin_allowlist": ["tools.atelier.test"]},
    )
    active = [t for t in context.artists if t.status == Tester.Status.ACTIVE]
    if not active:
        return
    demo_artist = active[0]  # artist@atelier.test
    secrets = {}

    # The demo artist: two working tokens, one rotated away, one quarantined with evidence.
    server = token_issue(
        tester=demo_artist,
        name="render server",
        scopes=["videos:read", "videos:write"],
        created_by=demo_artist.user,
    )
    secrets[demo_artist.pk] = server.secret
    token_issue(
        tester=demo_artist,
        name="laptop CLI",
        scopes=["videos:read", "feedback:write"],
        expires_in_days=14,
        created_by=demo_artist.user,
    )
    old = token_issue(
        tester=demo_artist, name="old script", scopes=["videos:read"], created_by=demo_artist.user
    )
    token_rotate(token=old.token, actor=demo_artist.user)
    rows = [
        _usage(
            server.token, ip="192.0.2.44", at=now - timedelta(hours=h, minutes=rng.randint(0, 59))
        )
        for h in range(1, 60, 3)
    ]
    leaked = token_issue(
        tester=demo_artist,
        name="notebook demo",
        scopes=["videos:read", "videos:write"],
        created_by=demo_artist.user,
    ).token
    networks = ["198.51.100.23", "203.0.113.7", "192.0.2.201", "100.64.12.9", "2001:db8:77::5"]
    evidence_networks = []
    for index, ip in enumerate(networks):
        first = now - timedelta(minutes=50 - index * 9)
        rows += [_usage(leaked, ip=ip, at=first + timedelta(seconds=s * 20)) for s in range(3)]
        evidence_networks.append(
            {
                "network": network_of(ip),
                "requests": 3,
                "first_seen": first.isoformat(timespec="seconds"),
                "last_seen": (first + timedelta(seconds=40)).isoformat(timespec="seconds"),
            }
        )
    TokenUsage.objects.bulk_create(rows)
    token_quarantine(
        token=leaked,
        rule="spread",
        evidence={
            "window_minutes": 60,
            "max_networks": 4,
            "networks": evidence_networks,
            "at": now.isoformat(timespec="seconds"),
        },
    )

    # Other artists: a token each; one browser-origin quarantine released as a false positive,
    # one still quarantined, one volume spike for review.
    others = active[1:13]
    for tester in others:
        issued = token_issue(
            tester=tester,
            name=rng.choice(["render box", "studio pipeline", "cli", "colab"]),
            scopes=["videos:read", "videos:write", "feedback:write"],
        )
        secrets[tester.pk] = issued.secret
    if len(others) >= 3:
        origin_evidence = {
            "origin": "https://artist-portfolio.example",
            "sec_fetch_site": "cross-site",
            "referer": "https://artist-portfolio.example/reel",
            "ip": "203.0.113.90",
            "network": "203.0.113.0/24",
            "user_agent": "Mozilla/5.0 (Macintosh) Safari/605.1.15",
            "at": (now - timedelta(days=3)).isoformat(timespec="seconds"),
        }
        released = token_quarantine(
            token=AccessToken.objects.filter(tester=others[0]).first(),
            rule="origin",
            evidence=origin_evidence,
        )
        token_release(
            quarantine=released,
            actor=staff["staff"],
            reason="The artist's own portfolio page, served from their server; token moved there.",
        )
        token_quarantine(
            token=AccessToken.objects.filter(tester=others[1]).first(),
            rule="origin",
            evidence={**origin_evidence, "origin": "https://sora-protest.example"},
        )
        security_flag_raise(
            token=AccessToken.objects.filter(tester=others[2]).first(),
            kind=SecurityFlag.Kind.VOLUME_SPIKE,
            evidence={
                "requests_this_minute": 96,
                "usual_per_active_minute": 3.5,
                "factor": 10,
                "at": (now - timedelta(hours=5)).isoformat(timespec="seconds"),
            },
        )

    # One short past pause, so statements can show that stipends kept accruing.
    started = now - timedelta(days=20, hours=3)
    pause = ProgramPause.objects.create(
        program=program,
        started_at=started,
        ended_at=started + timedelta(hours=4),
        reason="Demo: vendor safety review of the model",
        started_by=staff["staff"],
        ended_by=staff["staff"],
    )
    for action, at in (("program.paused", started), ("program.resumed", pause.ended_at)):
        event = audit_record(
            action=action,
            actor=staff["staff"],
            target=program,
            reason=pause.reason if action == "program.paused" else "",
            data={"pause": pause.pk},
        )
        AuditEvent.objects.filter(pk=event.pk).update(created_at=at)
    context.extra["access_token_secrets"] = secrets
