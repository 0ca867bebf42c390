"""Keep only a digest of each API token; tokens already issued keep working."""

import hashlib

from django.db import migrations, models


def hash_keys(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    for token in ApiToken.objects.all():
        token.digest = hashlib.sha256(token.digest.encode()).hexdigest()
        token.save(update_fields=["digest"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [
        migrations.RenameField("apitoken", "key", "digest"),
        migrations.AlterField("apitoken", "digest", models.CharField(max_length=64, unique=True, verbose_name="摘要")),
        migrations.RunPython(hash_keys, migrations.RunPython.noop),
    ]
