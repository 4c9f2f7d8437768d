from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "program.access"
    label = "access"
    verbose_name = "Access tokens and security"

    def ready(self) -> None:
        from program.access import schema  # noqa: F401 - registers the OpenAPI auth scheme
