from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "raksa.people"
    label = "people"
    verbose_name = "People"
