"""Reads for feedback. `feedback_slo_figures` is an interface the transparency report uses."""


def feedback_slo_figures(*, program, days: int = 90) -> dict:
    """Median and p90 per clock over the last `days`, in business days.

    Shape (keep it): {"first_response" | "triage" | "decision": {"median": float | None,
    "p90": float | None, "count": int, "target": int}}. Stub until the feedback work lands.
    """
    return {
        clock: {"median": None, "p90": None, "count": 0, "target": target}
        for clock, target in (("first_response", 2), ("triage", 5), ("decision", 10))
    }
