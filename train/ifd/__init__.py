"""Instruction-following difficulty: ``scorer`` computes it for conversations under a
causal LM (pure, batched); ``stage`` is the thin ``score_ifd`` stage."""
