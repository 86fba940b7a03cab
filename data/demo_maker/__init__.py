"""The demo data generator behind ``python3 data/make_demo.py``.

It writes ``data/demo/`` (four source formats, an empty file and PLANTED.md)
and ``data/general/general.jsonl`` so that every planted problem has a known
``file:line`` the pipeline's output can be compared with.

Prose lives in ``texts/*.json``; the modules plant what PLANTED.md promises
(``duplicates``, ``same_prompt``, ``quality``, ``pii``, ``tool_calls``,
``malformed``), ``checker`` verifies the written bytes with its own mirror of
ingest (``mirror_ingest``) and detectors (``detectors``), and ``planted_md``
writes the report. ``build`` runs them in order.

Every random choice comes from one ``random.Random`` seeded in ``build``, so the
order of the calls on it is part of the output: reordering them changes the
files. Standard library only, so the data can be rebuilt without the project's
dependencies.
"""
