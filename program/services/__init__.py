"""Writes for program membership. Import from the submodules."""
