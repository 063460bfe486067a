"""Keep each offer's search projection current inside the database.

`offers_offer.search_vector` (Dutch, weighted: title A, company name B, description C), `pc4`,
`latitude`/`longitude` (the PC4 centre of the company's postcode) and `region_id` are filled by a
BEFORE trigger on every insert and update of an offer. When a company's name, postcode or
region changes, an AFTER trigger touches its offers so the BEFORE trigger runs again. A trigger
holds whichever way a row is written: the ORM, a bulk update, an import or psql.
"""

from django.db import migrations

FORWARD = r"""
CREATE FUNCTION offers_offer_search_projection() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    company RECORD;
BEGIN
    SELECT name, postcode, region_id INTO company
    FROM organisations_organisation WHERE id = NEW.organisation_id;

    NEW.search_vector :=
        setweight(to_tsvector('pg_catalog.dutch', coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('pg_catalog.dutch', coalesce(company.name, '')), 'B')
        || setweight(to_tsvector('pg_catalog.dutch', coalesce(NEW.description, '')), 'C');
    NEW.region_id := company.region_id;
    NEW.pc4 := CASE WHEN company.postcode ~ '^[1-9][0-9]{3}'
                    THEN substr(company.postcode, 1, 4)::smallint END;
    SELECT latitude, longitude INTO NEW.latitude, NEW.longitude
    FROM organisations_postcodearea WHERE pc4 = NEW.pc4;
    RETURN NEW;
END
$$;

CREATE TRIGGER offers_offer_search_projection
BEFORE INSERT OR UPDATE OF title, description, organisation_id ON offers_offer
FOR EACH ROW EXECUTE FUNCTION offers_offer_search_projection();

CREATE FUNCTION offers_company_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE offers_offer SET organisation_id = organisation_id WHERE organisation_id = NEW.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER offers_company_changed
AFTER UPDATE OF name, postcode, region_id ON organisations_organisation
FOR EACH ROW
WHEN (OLD.name IS DISTINCT FROM NEW.name
      OR OLD.postcode IS DISTINCT FROM NEW.postcode
      OR OLD.region_id IS DISTINCT FROM NEW.region_id)
EXECUTE FUNCTION offers_company_changed();

UPDATE offers_offer SET organisation_id = organisation_id;
"""

BACKWARD = r"""
DROP TRIGGER offers_company_changed ON organisations_organisation;
DROP FUNCTION offers_company_changed();
DROP TRIGGER offers_offer_search_projection ON offers_offer;
DROP FUNCTION offers_offer_search_projection();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("offers", "0002_requests_saved_searches_search"),
        ("organisations", "0003_postcodearea"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
