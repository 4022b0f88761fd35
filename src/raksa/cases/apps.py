from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "raksa.cases"
    label = "cases"
    verbose_name = "Cases"
