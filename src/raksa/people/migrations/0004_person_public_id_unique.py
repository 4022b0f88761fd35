from django.db import migrations, models

import raksa.people.models


class Migration(migrations.Migration):
    dependencies = [("people", "0003_person_public_id")]

    operations = [
        migrations.AlterField(
            model_name="person",
            name="public_id",
            field=models.CharField(
                default=raksa.people.models.new_public_id, editable=False, max_length=20, unique=True
            ),
        ),
    ]
