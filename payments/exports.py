"""CSV and PDF renderings of statements and reports (reportlab, no external services)."""

import csv
import io

from django.http import HttpResponse
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from payments.money import plain_minor


def _safe(value) -> str:
    """Defuse spreadsheet formulas in exported cells."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not _is_number(text) else text


def _is_number(text: str) -> bool:
    return text.lstrip("-").replace(".", "", 1).isdigit()


def csv_response(filename: str, headers: list[str], rows: list[list]) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_safe(v) for v in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def pdf_response(
    filename: str, title: str, subtitle: str, headers: list[str], rows: list[list], notes: list[str]
) -> HttpResponse:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=landscape(A4), title=title)
    styles = getSampleStyleSheet()
    cell = styles["BodyText"]
    cell.fontSize = 8
    story = [Paragraph(title, styles["Title"]), Paragraph(subtitle, styles["Normal"]), Spacer(1, 8)]
    data = [headers] + [[Paragraph(_escape(str(v)), cell) for v in row] for row in rows]
    table = Table(data, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#ece9fb")),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story.append(table)
    story.append(Spacer(1, 10))
    for note in notes:
        story.append(Paragraph(_escape(note), styles["Normal"]))
    doc.build(story)
    response = HttpResponse(buffer.getvalue(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --- Statement ---------------------------------------------------------------------------------

STATEMENT_HEADERS = ["date", "what", "rule", "rate", "policy", "amount", "currency", "link"]


def statement_rows(statement: dict) -> list[list]:
    return [
        [
            r["date"].isoformat(),
            r["what"],
            r["rule"],
            r["rate"],
            r["policy_version"],
            plain_minor(r["amount_minor"], r["currency"]),
            r["currency"],
            r["url"],
        ]
        for r in statement["rows"]
    ]


def statement_notes(statement: dict) -> list[str]:
    return [
        f"{currency}: opening {t['opening']}, earned {t['earned']}, reversed {t['reversed']}, "
        f"payouts {t['payouts']}, closing {t['closing']}"
        for currency, t in statement["totals_display"].items()
    ]


def statement_csv(statement: dict) -> HttpResponse:
    rows = statement_rows(statement)
    for currency, t in statement["totals"].items():
        for key in ("opening", "closing"):
            rows.append(
                ["", f"{key} balance", "", "", "", plain_minor(t[key], currency), currency, ""]
            )
    return csv_response(f"atelier-statement-{statement['label']}.csv", STATEMENT_HEADERS, rows)


def statement_pdf(statement: dict) -> HttpResponse:
    tester = statement["tester"]
    return pdf_response(
        f"atelier-statement-{statement['label']}.pdf",
        f"Statement {statement['label']}",
        f"{tester.display_name} · {tester.program.name}",
        STATEMENT_HEADERS[:-1],
        [row[:-1] for row in statement_rows(statement)],
        statement_notes(statement),
    )


# --- Batch report ------------------------------------------------------------------------------

BATCH_HEADERS = [
    "payout",
    "artist",
    "email",
    "country",
    "rail",
    "status",
    "amount",
    "currency",
    "reference",
    "reason",
]


def batch_rows(report: dict) -> list[list]:
    return [
        [
            p.pk,
            p.tester.display_name,
            p.tester.user.email,
            p.tester.country,
            p.rail,
            p.status,
            plain_minor(p.amount_minor, p.currency),
            p.currency,
            p.provider_ref or p.reference,
            p.failure_reason,
        ]
        for p in report["payouts"]
    ]


def batch_notes(report: dict) -> list[str]:
    notes = []
    for currency, t in report["totals"].items():
        notes.append(f"Total {currency}: {t['all']}")
        notes.append("By status: " + ", ".join(f"{k} {v}" for k, v in t["by_status"].items()))
        notes.append("By rail: " + ", ".join(f"{k} {v}" for k, v in t["by_rail"].items()))
        notes.append("By country: " + ", ".join(f"{k} {v}" for k, v in t["by_country"].items()))
    notes.append(f"Failed, held or returned: {len(report['problems'])}")
    return notes
