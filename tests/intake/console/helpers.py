"""What the console tests share: a telephony service user, its token, and posting call events as the PBX."""

from __future__ import annotations

import json
from typing import Any

from raksa.accounts.models import Role, Service
from raksa.accounts.services import token_create
from tests.base import RaksaTestCase, make_user

INCOMING = "/api/v1/calls/incoming"


class ConsoleTestCase(RaksaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.pbx = make_user("pbx", Role.CALL_TAKER, cls.centre)
        cls.pbx.service = Service.TELEPHONY
        cls.pbx.save(update_fields=["service"])
        cls.second_taker = make_user("call_taker_2", Role.CALL_TAKER, cls.centre)

    def setUp(self) -> None:
        super().setUp()
        self.pbx_token = token_create(user=self.pbx, name="pbx")

    def ring(
        self,
        event: str = "ringing",
        *,
        agent: str = "call_taker",
        caller: str = "0812345678",
        call_id: str = "pbx-1",
        token: str | None = None,
        **extra: Any,
    ):
        body = {"caller": caller, "call_id": call_id, "agent": agent, "event": event, **extra}
        return self.client.post(
            INCOMING,
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token or self.pbx_token}",
        )
