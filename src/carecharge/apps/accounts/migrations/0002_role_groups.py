"""Create one group per role: roles are data every installation must have."""

from django.db import migrations

ROLE_NAMES = [
    "charging_officer",
    "financial_assessment_officer",
    "senior_officer",
    "finance_officer",
    "debt_recovery_officer",
    "auditor",
    "administrator",
]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLE_NAMES:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
