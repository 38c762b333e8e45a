"""The service layer: what every face of defdip (CLI, web pages, REST API, reports) calls.

A :class:`~defdip.service.context.Context` holds where the store is (and, for the
multi-user record, who asks); each function takes the context and plain arguments and returns
one typed result. Faces parse their input, call one function here and render what it returns;
nothing here prints, and nothing below here knows about faces.

- :mod:`~defdip.service.context` — the context: reading/writing sessions, the vocabulary, the
  data vintage.
- :mod:`~defdip.service.results` — :class:`Result`: a table or a document, with its title,
  what it covers, notes, and the data vintage it was computed from.
- :mod:`~defdip.service.catalog` — sources and provenance, citations, country resolution,
  loading (sources, then the record and the measures, in one write).
- :mod:`~defdip.service.reads` — the record, arms, alignment, standing, panels and analyses.
- :mod:`~defdip.service.records`, :mod:`~defdip.service.arms`, :mod:`~defdip.service.panels`,
  :mod:`~defdip.service.briefs` — what the web asks beyond the CLI: keyset pages of the
  record, one record with its citation, TIV tables, panel files, the brief a section at a
  time.
- :mod:`~defdip.service.compare` — states side by side in a year, from data that cover every
  state (the curated record's rows marked, focal states only).
- :mod:`~defdip.service.cache` — results cached by (question, data vintage, user); the vintage
  read once per version of the store file.
"""
