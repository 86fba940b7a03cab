"""Writes records in their file's format and the files as bytes.

Keys are written in a fixed order, JSON with ``ensure_ascii=False`` and the
gzip header with ``mtime=0``, so the same records always give the same bytes.
"""

from __future__ import annotations

import gzip
import io
import json

from .records import Rec
from .sources import FMT
from .texts import load

TOOL_SCHEMAS: dict[str, dict] = load("tool_schemas")


def render(rec: Rec) -> dict:
    """The row ``rec`` becomes in its file: Alpaca, ShareGPT, OpenAI messages or ChatML text."""
    fmt = FMT[rec.file]
    msgs = rec.msgs
    system = msgs[0]["content"] if msgs and msgs[0]["role"] == "system" else None
    body = msgs[1:] if system is not None else msgs
    if fmt == "alpaca":
        assert all(m["call"] is None for m in body) and len(body) % 2 == 0
        pairs = [(body[i]["content"], body[i + 1]["content"]) for i in range(0, len(body), 2)]
        assert all(body[i]["role"] == "user" and body[i + 1]["role"] == "assistant" for i in range(0, len(body), 2))
        instruction, extra = rec.split if rec.split else (pairs[-1][0], "")
        row: dict = {"instruction": instruction, "input": extra, "output": pairs[-1][1]}
        if system:
            row["system"] = system
        if len(pairs) > 1:
            row["history"] = [list(p) for p in pairs[:-1]]
        if rec.category and rec.alpaca_category:
            row["category"] = rec.category
        return row
    if fmt == "sharegpt":
        turns = []
        if system and not rec.system_key:
            turns.append({"from": "system", "value": system})
        for m in body:
            if m["call"] is not None:
                turns.append({"from": "function_call", "value": json.dumps(m["call"], ensure_ascii=False)})
            else:
                turns.append({"from": {"user": "human", "assistant": "gpt", "tool": "observation"}[m["role"]], "value": m["content"]})
        row = {"conversations": turns}
        if system and rec.system_key:
            row["system"] = system
        if rec.tools:
            row["tools"] = json.dumps([TOOL_SCHEMAS[t] for t in rec.tools], ensure_ascii=False)
        return row
    if fmt == "openai":
        assert all(m["call"] is None for m in msgs)
        return {"messages": [{"role": m["role"], "content": m["content"]} for m in msgs], "category": rec.category}
    if fmt == "chatml":
        assert all(m["call"] is None for m in msgs)
        text = "\n".join(f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>" for m in msgs)
        assert text.count("<|im_start|>") == len(msgs)
        return {"text": text}
    raise ValueError(fmt)


def file_bytes(file: str, rows: list[Rec]) -> bytes:
    """The file's bytes: Alpaca as a JSON array with one element per line, the rest as JSON Lines (gzip for ``.gz``).

    A malformed record is written as given, which is how an invalid line reaches the file.
    """
    if FMT[file] == "alpaca":
        elements = [json.dumps(r.obj if r.kind == "malformed" else render(r), ensure_ascii=False) for r in rows]
        return ("[\n" + ",\n".join(elements) + "\n]\n").encode("utf-8")
    lines = [r.raw if r.kind == "malformed" else json.dumps(render(r), ensure_ascii=False).encode("utf-8") for r in rows]
    data = b"\n".join(lines) + b"\n"
    if file.endswith(".gz"):
        buf = io.BytesIO()
        with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
            gz.write(data)
        data = buf.getvalue()
    return data
