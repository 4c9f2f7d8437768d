from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "program.feedback"
    label = "feedback"
    verbose_name = "Feedback"
