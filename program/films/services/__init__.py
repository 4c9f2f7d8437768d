"""Writes for films, curation, screenings and licenses (HackSoft style: `<entity>_<action>`)."""
