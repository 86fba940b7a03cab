"""Selection to a budget: ``greedy`` ranks and picks (score first, diversity-aware, optional
per-group quotas) as pure functions; ``stage`` is the thin ``select`` stage."""
