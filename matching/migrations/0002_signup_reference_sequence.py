from django.db import migrations


class Migration(migrations.Migration):
    """The running number in a sign-up's reference (TP-2026-00042)."""

    dependencies = [("matching", "0001_initial")]

    operations = [
        migrations.RunSQL(
            "CREATE SEQUENCE IF NOT EXISTS matching_signup_reference_seq",
            "DROP SEQUENCE IF EXISTS matching_signup_reference_seq",
        )
    ]
