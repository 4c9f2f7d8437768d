import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from program.models import Agreement, Program, Tester


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    username = factory.SelfAttribute("email")
    password = factory.django.Password("correct-horse-battery")


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program
        django_get_or_create = ("slug",)

    name = "Test Program"
    slug = "test-program"
    # 45 days back: last month has always begun by then (30 days back is this month on the 31st).
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=45))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=365))


class TesterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tester

    program = factory.SubFactory(ProgramFactory)
    user = factory.SubFactory(UserFactory)
    display_name = factory.Sequence(lambda n: f"Artist {n}")
    country = "FR"
    cohort = "Filmmakers"
    status = Tester.Status.ACTIVE
    joined_at = factory.LazyFunction(timezone.now)


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    program = factory.SubFactory(ProgramFactory)
    version = factory.Sequence(lambda n: n + 1)
    title = "Terms"
    body = "Be kind. Get paid."
    body_sha256 = "0" * 64
