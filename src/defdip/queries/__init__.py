"""The query layer: every read of the engagement record, the instruments and their coverage,
written once as Ibis expressions over :class:`~defdip.queries.tables.Tables`, so it runs on
the embedded DuckDB store, on PostgreSQL and on PySpark alike.

- :mod:`~defdip.queries.tables` — where reads come from; year helpers.
- :mod:`~defdip.queries.record` — the one rule for "active in year Y"; records, actor-years.
- :mod:`~defdip.queries.coverage` — where each instrument is observed (years, states).
- :mod:`~defdip.queries.instruments` — the instruments as dyad-year flows.
- :mod:`~defdip.queries.yearly` — one state's yearly record counts, with their coverage.
- :mod:`~defdip.queries.series` — series across two sources: UN roll calls 1946–2026,
  peacekeeping 1990–2025.
- :mod:`~defdip.queries.memberships` — membership of an organisation in a year (one NATO).
- :mod:`~defdip.queries.names` — one resolver from a name or code to the tables' codes.
- :mod:`~defdip.queries.state_facts` — a state among all states: codes, spending, rivals,
  alliances, organisations, posts, UN votes with chosen partners, standing, capitals.
- :mod:`~defdip.queries.state_record` — a state's named engagements and arms trade: its
  exercises, cited arrangements and memberships, timeline starts, SIPRI deals.
"""
