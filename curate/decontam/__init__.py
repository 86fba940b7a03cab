"""Benchmark decontamination: find training rows that hold a benchmark item.

``normalise`` turns text into tokens and hashed n-grams, ``benchmarks`` reads the
evaluation sets (the 13 shipped benchmarks, a user's own eval files), ``index``
builds, saves and loads the compact hashed index shipped in ``index/``, ``match``
scores rows against it, and ``stage`` adapts that to the ``decontaminate`` step.
"""
