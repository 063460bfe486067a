"""A catalogue version that changes whenever any offer is written; a covering facet index.

The catalogue caches its facet counts per search under this version: the statement-level
trigger bumps the sequence after every INSERT, UPDATE or DELETE on offers_offer (also bulk
writes, imports and the company-rename cascade of migration 0003). Sequences are not
transactional, so concurrent writers never wait on each other for it; at worst a rolled-back
write costs one cache miss.
"""

from django.db import migrations, models

FORWARD = r"""
CREATE SEQUENCE offers_catalogue_version;
SELECT nextval('offers_catalogue_version');

CREATE FUNCTION offers_catalogue_version_bump() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM nextval('offers_catalogue_version');
    RETURN NULL;
END
$$;

CREATE TRIGGER offers_catalogue_version_bump
AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON offers_offer
FOR EACH STATEMENT EXECUTE FUNCTION offers_catalogue_version_bump();
"""

BACKWARD = r"""
DROP TRIGGER offers_catalogue_version_bump ON offers_offer;
DROP FUNCTION offers_catalogue_version_bump();
DROP SEQUENCE offers_catalogue_version;
"""


class Migration(migrations.Migration):
    dependencies = [("offers", "0003_search_projection_triggers")]

    operations = [
        migrations.RunSQL(FORWARD, BACKWARD),
        migrations.AddIndex(
            model_name="offer",
            index=models.Index(
                condition=models.Q(("status", "published")),
                fields=["kind"],
                include=["region", "pc4", "levels", "worlds"],
                name="offer_published_facets",
            ),
        ),
    ]
