"""Indexes for the catalogue at national scale (offers/search.py).

- `offer_published_newest_id` replaces `offer_published_newest`: the catalogue orders by
  (published_at DESC, id DESC), so a page far down walks the index instead of sorting.
- GIN indexes on levels and worlds (published offers only) for the niveau/wereld filters
  (`&&`), which PostgreSQL can BitmapAnd with the other filters' indexes.
"""

import django.contrib.postgres.indexes
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("offers", "0004_catalogue_version")]

    operations = [
        migrations.RemoveIndex(model_name="offer", name="offer_published_newest"),
        migrations.AddIndex(
            model_name="offer",
            index=models.Index(
                models.OrderBy(models.F("published_at"), descending=True),
                models.OrderBy(models.F("id"), descending=True),
                condition=models.Q(("status", "published")),
                name="offer_published_newest_id",
            ),
        ),
        migrations.AddIndex(
            model_name="offer",
            index=django.contrib.postgres.indexes.GinIndex(
                condition=models.Q(("status", "published")),
                fields=["levels"],
                name="offer_published_levels",
            ),
        ),
        migrations.AddIndex(
            model_name="offer",
            index=django.contrib.postgres.indexes.GinIndex(
                condition=models.Q(("status", "published")),
                fields=["worlds"],
                name="offer_published_worlds",
            ),
        ),
    ]
