"""Preference pairs for DPO: source adapters (``sources``), guards (``guards``),
on-policy rejected answers (``onpolicy``) and the ``build_pairs`` stage (``stage``)."""
