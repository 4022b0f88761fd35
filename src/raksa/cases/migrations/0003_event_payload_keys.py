"""Stored event payloads move to the keys the event catalogue (cases/events.py) declares.

The timeline is append-only for what happened; this rewrites only how two kinds spelled their payload, once, so
that every stored event reads under its kind's declared keys:
- attachment_added: "name" becomes "original_name" (the Attachment field it copies);
- assigned: "previous_id" becomes "previous_assignee_id", and "assignee_name" (what the timeline shows) is added
  from the assignee's name, or the stored username when that user is gone.
Reversible: going back renames the keys again and drops "assignee_name".
"""

from django.conf import settings
from django.db import migrations

RENAMES = {
    "attachment_added": {"name": "original_name"},
    "assigned": {"previous_id": "previous_assignee_id"},
}
BATCH = 500


def _user_name(user):
    # What User.__str__ gives; historical models carry no methods.
    full_name = f"{user.first_name} {user.last_name}".strip()
    return user.display_name or full_name or user.username


def _rewrite(apps, change):
    CaseEvent = apps.get_model("cases", "CaseEvent")
    changed = []
    for event in CaseEvent.objects.filter(kind__in=list(RENAMES)).order_by("pk").iterator(chunk_size=BATCH):
        data = dict(event.data or {})
        if change(event.kind, data):
            event.data = data
            changed.append(event)
        if len(changed) >= BATCH:
            CaseEvent.objects.bulk_update(changed, ["data"])
            changed = []
    if changed:
        CaseEvent.objects.bulk_update(changed, ["data"])


def _rename(data, old, new):
    if old in data and new not in data:
        data[new] = data.pop(old)
        return True
    return False


def forwards(apps, schema_editor):
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    names = {}

    def change(kind, data):
        changed = False
        for old, new in RENAMES[kind].items():
            changed = _rename(data, old, new) or changed
        if kind == "assigned" and "assignee_name" not in data:
            assignee_id = data.get("assignee_id")
            if assignee_id is not None and assignee_id not in names:
                user = User.objects.filter(pk=assignee_id).first()
                names[assignee_id] = _user_name(user) if user is not None else ""
            data["assignee_name"] = (names.get(assignee_id) if assignee_id is not None else "") or data.get(
                "assignee", ""
            )
            changed = True
        return changed

    _rewrite(apps, change)


def backwards(apps, schema_editor):
    def change(kind, data):
        changed = False
        for old, new in RENAMES[kind].items():
            changed = _rename(data, new, old) or changed
        if kind == "assigned" and "assignee_name" in data:
            del data["assignee_name"]
            changed = True
        return changed

    _rewrite(apps, change)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0002_list_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
