import factory

from kefu.accounts.choices import Role
from kefu.accounts.models import User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"员工{n}")
    role = Role.AGENT
    is_certified = True
