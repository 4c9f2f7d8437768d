from django.apps import AppConfig


class FilmsConfig(AppConfig):
    name = "program.films"
    label = "films"
    verbose_name = "Films, curation, screenings and licenses"
