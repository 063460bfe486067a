"""The vocabulary of published offers, for "Bedoelde u …?" suggestions in the catalogue."""

from django.db import connection, transaction

# Every word (unstemmed, lower case: the `simple` configuration) of 3 or more letters in the
# titles, descriptions and company names of published offers, with the number of offers it
# occurs in. ts_stat reads the vectors the inner query makes.
_REBUILD_SQL = r"""
INSERT INTO offers_searchword (word, documents)
SELECT word, ndoc
FROM ts_stat($$
    SELECT to_tsvector('pg_catalog.simple',
                       o.title || ' ' || o.description || ' ' || c.name)
    FROM offers_offer AS o
    JOIN organisations_organisation AS c ON c.id = o.organisation_id
    WHERE o.status = 'published'
$$)
WHERE length(word) BETWEEN 3 AND 100 AND word ~ '^[[:alpha:]]+$'
"""


@transaction.atomic
def search_words_rebuild() -> int:
    """Replace the vocabulary with the words of the offers published now; returns its size.

    One transaction: readers see the old vocabulary until the new one is complete.
    """
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM offers_searchword")
        cursor.execute(_REBUILD_SQL)
        return cursor.rowcount
