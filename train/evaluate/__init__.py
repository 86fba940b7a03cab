"""Held-out evaluation of a tuned model: leakage proof, assistant-token loss,
generation metrics, preference metrics and the regression gate.

The algorithms here are pure functions over tables, messages and models; the
``evaluate`` stage (``train.evaluate.stage``) adapts them to the stage
contract, and the ``compare`` stage (``train.evaluate.compare``) trains arms of
training rows with one budget and seeds and compares their held-out loss.
"""
