"""Issued directives' typed numbers go in their issuer's register; a unit's report that covers every key task of a
period gets the unit's report number (BC), in the order completed (docs/documents.md, "Numbers")."""

from django.db import migrations

from soisua.documents.backfill import Issued, number_issued


def number_papers(apps, schema_editor):
    directives = apps.get_model("directives", "Directive").objects.filter(status="issued", issued_at__isnull=False)
    number_issued(apps, "directives", "directive", [
        Issued(directive.pk, directive.issuer_id, directive.kind, directive.issued_at,
               f"{directive.number}-{directive.kind}/{directive.issuer_symbol} {directive.title}",
               number=int(directive.number), symbol=directive.issuer_symbol, year=directive.issued_on.year)
        for directive in directives.order_by("issued_at", "pk") if directive.number.isdigit()])
    report = apps.get_model("directives", "Report")
    tasks = {}
    complete = []
    for receipt in apps.get_model("directives", "Receipt").objects.select_related("directive", "unit"):
        count = tasks.setdefault(receipt.directive_id, receipt.directive.tasks.count())
        moments = []
        for period_id in report.objects.filter(receipt=receipt).values_list("period", flat=True).distinct():
            lines = report.objects.filter(receipt=receipt, period_id=period_id)
            if count and lines.values("key_task").distinct().count() == count:
                moments.append(max(lines.values_list("reported_at", flat=True)))
        if moments:
            directive = receipt.directive
            complete.append(Issued(receipt.pk, receipt.unit_id, "BC", min(moments),
                                   f"Báo cáo kết quả thực hiện {directive.number}-{directive.kind}/"
                                   f"{directive.issuer_symbol} của {receipt.unit.name}"))
    number_issued(apps, "directives", "receipt", complete)


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("documents", "0003_document_number_register"),
        ("directives", "0001_initial"),
    ]

    operations = [migrations.RunPython(number_papers, migrations.RunPython.noop)]
