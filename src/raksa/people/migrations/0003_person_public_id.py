"""Person.public_id: a random id for URLs and the API, so that the index cannot be read by counting row ids.

Added empty and filled for every existing person here; made unique in the next migration (its own transaction:
PostgreSQL refuses to alter a table with row updates still pending in the same one). A unique column with a
callable default, added in one step, would give every existing row the same value."""

from django.db import migrations, models

import raksa.people.models


def fill_public_ids(apps, schema_editor):
    Person = apps.get_model("people", "Person")
    batch = []
    # 100 random bits each: a collision is not a case to plan for (the unique index added next would refuse it).
    for person in Person.objects.filter(public_id="").only("id").iterator(chunk_size=2000):
        person.public_id = raksa.people.models.new_public_id()
        batch.append(person)
        if len(batch) >= 2000:
            Person.objects.bulk_update(batch, ["public_id"])
            batch = []
    if batch:
        Person.objects.bulk_update(batch, ["public_id"])


class Migration(migrations.Migration):
    dependencies = [("people", "0002_merge_moved_by_app")]

    operations = [
        migrations.AddField(
            model_name="person",
            name="public_id",
            field=models.CharField(default="", editable=False, max_length=20),
            preserve_default=False,
        ),
        migrations.RunPython(fill_public_ids, migrations.RunPython.noop),
    ]
