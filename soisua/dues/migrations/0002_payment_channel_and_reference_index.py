from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('dues', '0001_dues_books_and_payments'),
    ]

    operations = [
        migrations.AddField(
            model_name='payment',
            name='channel',
            field=models.CharField(choices=[('cash', 'In cash to the cell'), ('portal', 'Through the national public service portal')], default='cash', max_length=10, verbose_name='how it was paid'),
        ),
        migrations.AddIndex(
            model_name='payment',
            index=models.Index(condition=models.Q(('reference', ''), _negated=True), fields=['reference'], name='dues_reference'),
        ),
    ]
