"""The published severity scale for bugs and safety reports (shown on the form and a public page)."""

SEVERITY_SCALE = [
    {
        "level": "P1",
        "name": "Critical",
        "definition": (
            "Harm or total failure: unsafe or abusive output, a leak of someone else's data, "
            "or the model or API unusable for everyone."
        ),
        "examples": "Explicit content from a harmless prompt; another artist's video returned.",
    },
    {
        "level": "P2",
        "name": "Major",
        "definition": (
            "A core feature is broken or badly wrong for many prompts, with no reasonable "
            "workaround."
        ),
        "examples": "Every 8-second video freezes after 2 seconds; seeds do not reproduce.",
    },
    {
        "level": "P3",
        "name": "Minor",
        "definition": "Wrong or degraded behaviour with a workaround, or affecting few prompts.",
        "examples": "Hands distort in close-ups; a size option is silently rounded.",
    },
    {
        "level": "P4",
        "name": "Cosmetic",
        "definition": "A small annoyance that does not change what you can make.",
        "examples": "A typo in an error message; a progress bar that stalls at 99%.",
    },
]
