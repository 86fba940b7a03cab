"""The demo's four source files and the format each is written in: one file per format ingest reads."""

FILES = ("alpaca.json", "sharegpt.jsonl", "chatml.jsonl.gz", "openai.jsonl")
FMT = {"alpaca.json": "alpaca", "sharegpt.jsonl": "sharegpt", "chatml.jsonl.gz": "chatml", "openai.jsonl": "openai"}
