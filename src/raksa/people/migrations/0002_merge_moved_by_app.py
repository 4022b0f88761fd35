"""PersonMerge.moved now says which of its keys each app stored (moved["apps"]), so that a reversal hands each
app back only its own undo data. Before, people moved the cases app's party rows itself and kept them under
"case_parties" and "case_parties_dropped": those keys are the cases app's, in the same shape it now writes."""

from django.db import migrations

_CASES_KEYS = ("case_parties", "case_parties_dropped")


def name_the_owners(apps, schema_editor):
    PersonMerge = apps.get_model("people", "PersonMerge")
    for merge in PersonMerge.objects.only("id", "moved").iterator():
        moved = dict(merge.moved or {})
        if "apps" in moved:
            continue
        keys = [key for key in _CASES_KEYS if key in moved]
        moved["apps"] = {"cases": keys} if keys else {}
        PersonMerge.objects.filter(pk=merge.pk).update(moved=moved)


def forget_the_owners(apps, schema_editor):
    PersonMerge = apps.get_model("people", "PersonMerge")
    for merge in PersonMerge.objects.only("id", "moved").iterator():
        moved = dict(merge.moved or {})
        if moved.pop("apps", None) is not None:
            PersonMerge.objects.filter(pk=merge.pk).update(moved=moved)


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [migrations.RunPython(name_the_owners, forget_the_owners)]
