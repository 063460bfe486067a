"""Privacy (AVG): the register of personal data, export and erasure of one person, the nightly
purge of what is past its retention period.

- `register`: every field that holds personal data, with its purpose, legal basis and retention
  (tests check it against the models); rendered on /privacy/.
- `person`: every row that holds the data of one email address.
- `export` / `erasure`: a machine-readable export of those rows; erasing them (deleting what can
  go, anonymising what the impact figures need).
- `purge`: what the nightly beat task removes or anonymises after the configured periods.
"""
