from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "raksa.accounts"
    label = "accounts"
    verbose_name = "Accounts"
