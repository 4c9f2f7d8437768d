from django.apps import AppConfig
from django.conf import settings


class GenerationConfig(AppConfig):
    name = "generation"
    verbose_name = "Video generation"

    def ready(self) -> None:
        if settings.CELERY_BROKER_URL.startswith("sqla+"):
            # The SQL transport polls; it cannot take the interval as an option (see settings).
            from kombu.transport import sqlalchemy

            sqlalchemy.Transport.polling_interval = settings.CELERY_POLLING_INTERVAL
