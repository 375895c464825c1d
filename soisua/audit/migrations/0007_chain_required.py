from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0006_seal_existing_entries"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditentry",
            name="seq",
            field=models.BigIntegerField(),
        ),
        migrations.AddConstraint(
            model_name="auditentry",
            constraint=models.UniqueConstraint(fields=("chain", "seq"), name="audit_chain_seq"),
        ),
    ]
