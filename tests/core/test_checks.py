from django.core.checks import run_checks
from django.test import SimpleTestCase, override_settings


class DeployChecksTests(SimpleTestCase):
    def ids(self) -> set[str]:
        return {
            m.id for m in run_checks(include_deployment_checks=True) if m.id and m.id.startswith("raksa.")
        }

    @override_settings(
        RAKSA_SECRET_KEY_IS_DEVELOPMENT=True, LINE_CHANNEL_SECRET="", LINE_CHANNEL_ACCESS_TOKEN=""
    )
    def test_it_warns_about_the_development_key_and_missing_line_settings(self):
        assert {"raksa.W001", "raksa.W003"} <= self.ids()

    @override_settings(
        RAKSA_SECRET_KEY_IS_DEVELOPMENT=False, LINE_CHANNEL_SECRET="s", LINE_CHANNEL_ACCESS_TOKEN="t"
    )
    def test_it_is_quiet_when_they_are_set(self):
        assert not {"raksa.W001", "raksa.W003"} & self.ids()
