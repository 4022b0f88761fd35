"""One attachment per file per case: a unique (case, sha256).

Rows that already repeat a file on the same case are folded into the first one before the constraint is added:
the later rows are deleted, and so are their stored copies (the same bytes, by their hash, as the file kept). The
timeline keeps its "attachment added" lines, which name the file, not the row. Going back only drops the
constraint; the folded rows were copies and are not made again.
"""

from django.core.files.storage import default_storage
from django.db import migrations, models
from django.db.models import Count


def fold_duplicates(apps, schema_editor):
    Attachment = apps.get_model("cases", "Attachment")
    repeated = (
        Attachment.objects.values("case_id", "sha256").annotate(rows=Count("id")).filter(rows__gt=1).order_by()
    )
    for group in repeated.iterator():
        rows = list(
            Attachment.objects.filter(case_id=group["case_id"], sha256=group["sha256"]).order_by("created_at", "id")
        )
        kept = rows[0]
        for row in rows[1:]:
            if row.file.name and row.file.name != kept.file.name:
                default_storage.delete(row.file.name)
            row.delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_access_log_user_optional")]

    operations = [
        migrations.RunPython(fold_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="attachment",
            constraint=models.UniqueConstraint(fields=("case", "sha256"), name="uniq_attachment_case_sha256"),
        ),
    ]
