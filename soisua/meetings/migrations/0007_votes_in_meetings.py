"""Votes in meetings: the vote rules, motions and who has voted; ship the first version of the rules of each kind
of vote (docs/domain.md, "Votes in meetings"), each naming the documents it follows and what was not confirmed.

The first version is dated from Quy định 190-QĐ/TW (10/10/2024), the newest document it follows; a meeting before
that day is judged by it too (VoteRule.in_force_on takes the oldest version for an earlier day)."""

import datetime

import django.db.models.deletion
import soisua.meetings.models
from django.conf import settings
from django.db import migrations, models


DIEU_LE = {"kind": "Điều lệ Đảng", "number": "(Đại hội XI, 2011)", "date": "2011-01-19",
           "issuer": "Đại hội đại biểu toàn quốc lần thứ XI"}
HD01 = {"kind": "Hướng dẫn", "number": "01-HD/TW", "date": "2021", "issuer": "Ban Bí thư",
        "articles": "điểm 5.1 (bỏ phiếu kín hoặc biểu quyết bằng thẻ đảng viên, hội nghị chi bộ quyết định)"}
QD69 = {"kind": "Quy định", "number": "69-QĐ/TW", "date": "2022-07-06", "issuer": "Bộ Chính trị"}
QD30 = {"kind": "Quy định", "number": "30-QĐ/TW", "date": "2016", "issuer": "Ban Chấp hành Trung ương",
        "articles": "Điều 38 (biểu quyết kỷ luật bằng phiếu kín)"}
QD190 = {"kind": "Quy định", "number": "190-QĐ/TW", "date": "2024-10-10", "issuer": "Ban Chấp hành Trung ương",
         "articles": "Điều 2 (đa số quá bán), Điều 3 khoản 1 (bỏ phiếu kín)"}
PROBATIONARY = ("Đảng viên dự bị không biểu quyết (Điều lệ Đảng: đảng viên dự bị có quyền như đảng viên chính "
                "thức trừ quyền biểu quyết, ứng cử và bầu cử); câu chữ cần đối chiếu với văn bản. ")
NO_QUORUM = "Chưa xác nhận quy định về số đảng viên phải có mặt (Quy định 232-QĐ/TW): không đặt điều kiện có mặt."

RULES = [
    {"kind": "resolution", "method": "open", "threshold": (1, 2, True),
     "documents": [{**DIEU_LE, "articles": "Điều 9 khoản 5 (hơn một nửa số thành viên tán thành)"}],
     "note": PROBATIONARY + "Cơ sở tính là số đảng viên chính thức của chi bộ (trừ người được miễn sinh hoạt "
                            "vắng mặt). " + NO_QUORUM},
    {"kind": "admission", "method": "cell_chooses", "threshold": (2, 3, False),
     "documents": [{**DIEU_LE, "articles": "Điều 4 khoản 3 (ít nhất hai phần ba số đảng viên chính thức "
                                           "tán thành)"}, HD01],
     "note": PROBATIONARY + "Chưa kiểm tra Hướng dẫn 01-HD/TW còn hiệu lực sau Quy định 232-QĐ/TW (2025). "
                            + NO_QUORUM},
    {"kind": "recognition", "method": "cell_chooses", "threshold": (2, 3, False),
     "documents": [{**DIEU_LE, "articles": "Điều 5 (công nhận đảng viên chính thức)"}, HD01],
     "note": PROBATIONARY + "Chưa kiểm tra Hướng dẫn 01-HD/TW còn hiệu lực sau Quy định 232-QĐ/TW (2025). "
                            + NO_QUORUM},
    {"kind": "removal", "method": "cell_chooses", "threshold": (2, 3, False),
     "documents": [HD01],
     "note": PROBATIONARY + "Tỷ lệ hai phần ba theo cách làm như kết nạp; chưa đối chiếu văn bản. " + NO_QUORUM},
    {"kind": "discipline", "method": "secret", "threshold": (1, 2, True),
     "documents": [{**QD69, "articles": "Điều 15 (trên một nửa số đảng viên chính thức)"}, QD30],
     "note": PROBATIONARY + "Khi không hình thức nào đạt quá nửa, cộng dồn phiếu từ hình thức nặng nhất xuống "
                            "(Quy định 30-QĐ/TW Điều 38): mỗi hình thức là một biểu quyết riêng trong ứng dụng. "
                            "Chưa kiểm tra văn bản năm 2025-2026 thay thế. " + NO_QUORUM},
    {"kind": "expulsion", "method": "secret", "threshold": (2, 3, False),
     "documents": [{**QD69, "articles": "Điều 15 (khai trừ: ít nhất hai phần ba số đảng viên chính thức)"}, QD30],
     "note": PROBATIONARY + "Chưa kiểm tra văn bản năm 2025-2026 thay thế. " + NO_QUORUM},
    {"kind": "personnel", "method": "secret", "threshold": (1, 2, True),
     "documents": [QD190],
     "note": PROBATIONARY + "Cơ sở tính theo Quy chế bầu cử 2014 Điều 32: tổng số đảng viên chính thức được "
                            "triệu tập trừ các trường hợp loại trừ; chưa kiểm tra Quy định 190-QĐ/TW giữ nguyên. "
                            + NO_QUORUM},
]
IN_FORCE_FROM = datetime.date(2024, 10, 10)


def ship(apps, schema_editor):
    VoteRule = apps.get_model("meetings", "VoteRule")
    for rule in RULES:
        numerator, denominator, strict = rule["threshold"]
        VoteRule.objects.get_or_create(kind=rule["kind"], in_force_from=IN_FORCE_FROM, defaults={
            "method": rule["method"], "voters": "official", "threshold_numerator": numerator,
            "threshold_denominator": denominator, "threshold_strict": strict, "threshold_base": "members",
            "documents": rule["documents"], "note": rule["note"]})


class Migration(migrations.Migration):

    dependencies = [
        ('meetings', '0006_number_approved_minutes'),
        ('org', '0010_member_in_political_system'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='VoteRule',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('resolution', 'Resolution or ordinary matter'), ('admission', 'Admission to the Party'), ('recognition', 'Recognition as an official member'), ('discipline', 'Discipline'), ('expulsion', 'Discipline: expulsion'), ('removal', 'Removal from the roll'), ('personnel', 'Personnel poll or election')], max_length=20, verbose_name='kind of vote')),
                ('in_force_from', models.DateField(verbose_name='in force from')),
                ('method', models.CharField(choices=[('open', 'Open vote (by hand or by phone)'), ('secret', 'Secret ballot'), ('cell_chooses', 'Secret ballot or open vote, as the cell chooses')], max_length=20, verbose_name='method')),
                ('voters', models.CharField(choices=[('official', 'Official members present'), ('all', 'All members present')], max_length=20, verbose_name='who votes')),
                ('threshold_numerator', models.PositiveSmallIntegerField(verbose_name='threshold numerator')),
                ('threshold_denominator', models.PositiveSmallIntegerField(verbose_name='threshold denominator')),
                ('threshold_strict', models.BooleanField(verbose_name='more than (not at least)')),
                ('threshold_base', models.CharField(choices=[('cast', 'the votes cast'), ('present', 'the members entitled to vote who are present'), ('members', 'the members of the cell entitled to vote')], max_length=20, verbose_name='counted against')),
                ('quorum_numerator', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('quorum_denominator', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('names_in_minutes', models.BooleanField(default=False)),
                ('documents', models.JSONField(blank=True, default=list, verbose_name='documents followed')),
                ('note', models.TextField(blank=True, verbose_name='note')),
            ],
            options={
                'verbose_name': 'vote rule',
                'verbose_name_plural': 'vote rules',
                'ordering': ['kind', '-in_force_from', '-id'],
                'constraints': [models.UniqueConstraint(fields=('kind', 'in_force_from'), name='meetings_one_vote_rule_a_day'), models.CheckConstraint(condition=models.Q(('threshold_denominator__gte', 1), ('threshold_numerator__lte', models.F('threshold_denominator'))), name='meetings_vote_rule_fraction')],
            },
        ),
        migrations.CreateModel(
            name='Motion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('text', models.CharField(max_length=1000, verbose_name='motion')),
                ('kind', models.CharField(choices=[('resolution', 'Resolution or ordinary matter'), ('admission', 'Admission to the Party'), ('recognition', 'Recognition as an official member'), ('discipline', 'Discipline'), ('expulsion', 'Discipline: expulsion'), ('removal', 'Removal from the roll'), ('personnel', 'Personnel poll or election')], max_length=20, verbose_name='kind of vote')),
                ('secret', models.BooleanField(verbose_name='secret ballot')),
                ('status', models.CharField(choices=[('open', 'Voting'), ('closed', 'Closed')], default='open', max_length=20)),
                ('votes_for', models.PositiveIntegerField(default=0)),
                ('votes_against', models.PositiveIntegerField(default=0)),
                ('votes_abstain', models.PositiveIntegerField(default=0)),
                ('entitled', models.PositiveIntegerField(blank=True, null=True)),
                ('entitled_present', models.PositiveIntegerField(blank=True, null=True)),
                ('required', models.PositiveIntegerField(blank=True, null=True)),
                ('quorum_met', models.BooleanField(blank=True, null=True)),
                ('passed', models.BooleanField(blank=True, null=True)),
                ('opened_at', models.DateTimeField()),
                ('closed_at', models.DateTimeField(blank=True, null=True)),
                ('agenda_item', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='motions', to='meetings.agendaitem', verbose_name='agenda item')),
                ('closed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('meeting', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='motions', to='meetings.meeting')),
                ('opened_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('rule', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='meetings.voterule')),
            ],
            options={
                'verbose_name': 'motion',
                'verbose_name_plural': 'motions',
                'ordering': ['meeting', 'opened_at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='MotionVoter',
            fields=[
                ('id', models.UUIDField(default=soisua.meetings.models._voter_key, editable=False, primary_key=True, serialize=False)),
                ('choice', models.CharField(blank=True, choices=[('for', 'For'), ('against', 'Against'), ('abstain', 'Abstain')], max_length=10)),
                ('member', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.member')),
                ('motion', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='voters', to='meetings.motion')),
            ],
            options={
                'ordering': ['motion', 'member__sort_key'],
                'constraints': [models.UniqueConstraint(fields=('motion', 'member'), name='meetings_one_vote_a_member')],
            },
        ),
        migrations.RunPython(ship, migrations.RunPython.noop),
    ]
