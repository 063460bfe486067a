"""Impact figures: what the programme reached, per region and period.

`figures` holds the queries, `charts` turns a table into an inline SVG bar chart, `access`
decides whose regions a user may see, `csv` writes a table as a spreadsheet.
"""
