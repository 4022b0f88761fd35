from __future__ import annotations

from io import StringIO

from django.core.management import CommandError, call_command

from raksa.accounts.models import ApiToken, User
from raksa.accounts.services import token_authenticate, token_create, user_ensure
from tests.base import RaksaTestCase


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


class TokenCommandTests(RaksaTestCase):
    def test_it_prints_only_a_token_that_works(self) -> None:
        out, _ = run("create", "--user", "nok", "--role", "call_taker")
        lines = out.splitlines()
        self.assertEqual(len(lines), 1)
        self.assertRegex(lines[0], r"^rk_[A-Za-z0-9_-]{40,}$")
        user = token_authenticate(lines[0])
        assert user is not None
        self.assertEqual((user.username, user.role, user.unit), ("nok", "call_taker", self.centre))

    def test_it_puts_the_user_in_the_unit_given_and_labels_the_token(self) -> None:
        out, _ = run(
            "create", "--user", "team50", "--role", "responder", "--unit", "pso-50", "--name", "phone"
        )
        user = token_authenticate(out.strip())
        assert user is not None
        self.assertEqual(user.unit, self.cm_office)
        self.assertEqual(ApiToken.objects.get(user=user).name, "phone")

    def test_it_reuses_an_existing_user_and_says_so_when_it_changes_them(self) -> None:
        out, err = run("create", "--user", "worker_bkk", "--role", "supervisor", "--unit", "pso-10")
        self.assertEqual(token_authenticate(out.strip()), self.case_worker)
        self.assertIn("case_worker -> supervisor", err)
        self.assertEqual(User.objects.filter(username="worker_bkk").count(), 1)

    def test_it_fails_clearly_on_an_unknown_role(self) -> None:
        with self.assertRaises(CommandError) as raised:
            run("create", "--user", "nok", "--role", "boss")
        message = str(raised.exception)
        self.assertIn("ไม่รู้จักบทบาท", message)
        self.assertIn("Unknown role 'boss'", message)
        self.assertFalse(User.objects.filter(username="nok").exists())

    def test_it_fails_clearly_on_an_unknown_unit(self) -> None:
        with self.assertRaises(CommandError) as raised:
            run("create", "--user", "nok", "--role", "responder", "--unit", "nowhere")
        self.assertIn("ไม่พบหน่วยงานรหัส 'nowhere'", str(raised.exception))
        self.assertIn("Unknown unit 'nowhere'", str(raised.exception))
        self.assertFalse(ApiToken.objects.exists())

    def test_it_revokes_by_prefix(self) -> None:
        out, _ = run("create", "--user", "nok", "--role", "call_taker")
        raw = out.strip()
        run("revoke", "--prefix", raw[3:11])
        self.assertIsNone(token_authenticate(raw))

    def test_it_never_gives_a_prefix_that_reads_as_an_option(self) -> None:
        user = user_ensure(username="nok", role="call_taker")
        prefixes = {token_create(user=user)[3:11] for _ in range(300)}
        self.assertFalse([p for p in prefixes if p.startswith("-")])

    def test_it_refuses_to_revoke_an_unknown_prefix(self) -> None:
        with self.assertRaises(CommandError) as raised:
            run("revoke", "--prefix", "zzzzzzzz")
        self.assertIn("No live token", str(raised.exception))


class TelephonyTokenTests(RaksaTestCase):
    def test_it_makes_a_telephony_service_user_whose_token_posts_call_events(self) -> None:
        out, _ = run("create", "--user", "pbx", "--role", "call_taker", "--service", "telephony")
        user = token_authenticate(out.strip())
        assert user is not None
        self.assertEqual((user.username, user.service, user.unit), ("pbx", "telephony", self.centre))
        self.assertFalse(user.has_usable_password())

    def test_it_turns_an_existing_user_into_a_service_user_and_says_so(self) -> None:
        run("create", "--user", "pbx", "--role", "call_taker")
        _, err = run("create", "--user", "pbx", "--role", "call_taker", "--service", "telephony")
        self.assertIn("service - -> telephony", err)
        self.assertEqual(User.objects.get(username="pbx").service, "telephony")
        # Without --service an existing user keeps what it is.
        run("create", "--user", "pbx", "--role", "call_taker")
        self.assertEqual(User.objects.get(username="pbx").service, "telephony")

    def test_an_unknown_service_is_refused(self) -> None:
        with self.assertRaises(CommandError) as caught:
            run("create", "--user", "pbx", "--role", "call_taker", "--service", "fax")
        self.assertIn("fax", str(caught.exception))
        self.assertFalse(User.objects.filter(username="pbx").exists())
        self.assertEqual(user_ensure(username="x1", role="call_taker", service="").service, "")
