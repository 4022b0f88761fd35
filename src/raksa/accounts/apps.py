from django.apps import AppConfig
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class AccountsConfig(AppConfig):
    name = "raksa.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # Here rather than in settings.py, which cannot import the roles; a misspelt role would otherwise
        # silently leave that role without a second factor.
        from raksa.accounts.models import Role

        unknown = [role for role in settings.RAKSA_2FA_ROLES if role not in Role.values]
        if unknown:
            raise ImproperlyConfigured(
                f"RAKSA_2FA_ROLES names unknown roles {', '.join(unknown)} "
                f"(use role names from: {', '.join(Role.values)}; or none)"
            )
