import datetime

from django.db import migrations, models
from django.utils import timezone

import soisua.accounts.models


def expire_existing_tokens(apps, schema_editor):
    """Tokens issued before tokens expired get the standard lifetime from now, rather than expiring at once."""
    ApiToken = apps.get_model("accounts", "ApiToken")
    ApiToken.objects.filter(expires_at__isnull=True).update(expires_at=timezone.now() + datetime.timedelta(days=90))


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_versions"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="expires"),
        ),
        migrations.RunPython(expire_existing_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(default=soisua.accounts.models.default_token_expiry, verbose_name="expires"),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, verbose_name="created"),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="last_used_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="last used"),
        ),
    ]
