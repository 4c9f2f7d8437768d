"""Authorization matrix rows for the feedback area; merged into tests/test_authorization_matrix.py.

Same format and symbols as MATRIX there. KWARGS builders receive the World and may create
objects with `w.obj(key, factory)` (factory takes the world).
"""

# fmt: off
MATRIX = """
"""
# fmt: on

KWARGS: dict = {}
BODIES: dict = {}
NO_ENVELOPE: set = set()
