"""API tokens expire and can be revoked; tokens already issued keep working for 90 days
from this migration. Accounts may be asked to change their password at the next login."""

from datetime import timedelta

from django.db import migrations, models
from django.utils import timezone


def ninety_days_from_now(apps, schema_editor):
    apps.get_model("accounts", "ApiToken").objects.update(expires_at=timezone.now() + timedelta(days=90))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_token_digest")]

    operations = [
        migrations.AddField("apitoken", "expires_at", models.DateTimeField(null=True, verbose_name="失效时间")),
        migrations.RunPython(ninety_days_from_now, migrations.RunPython.noop),
        migrations.AlterField("apitoken", "expires_at", models.DateTimeField(verbose_name="失效时间")),
        migrations.AddField("apitoken", "revoked_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="吊销时间")),
        migrations.AddField("profile", "must_change_password",
                            models.BooleanField(default=False, verbose_name="须修改密码")),
    ]
