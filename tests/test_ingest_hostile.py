"""Hostile files: odd encodings and line endings, broken arrays, trailing data,
lone surrogates, deep and huge records, non-object lines, corrupt gzip.
Nothing raises but a whole-file error, and every record is kept or quarantined."""

from __future__ import annotations

import gzip
import json

import pytest

from curate.ingest import Ingest, IngestConfig, Source, UnreadableInput
from curate.ingest.formats import FORMATS
from curate.stage import StageContext

GOOD = {"instruction": "Name a colour.", "output": "Blue."}
LINE = json.dumps(GOOD)


def ingest(path, **config):
    result = Ingest().run({}, IngestConfig(sources=(Source(path=str(path), **config.pop("source", {})),), **config), StageContext())
    assert result.rows_in == result.kept.num_rows + result.removed.num_rows
    return result


def reasons(result) -> list[str]:
    return result.removed.column("reason").to_pylist()


def write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"])
@pytest.mark.parametrize("name", ["rows.jsonl", "rows.json"])
def test_byte_order_marks_and_utf16_32_are_read(tmp_path, encoding, name):
    text = f"[{LINE},\n{LINE},\n{LINE}]" if name.endswith(".json") else f"{LINE}\n{LINE}\n{LINE}\n"
    result = ingest(write(tmp_path, name, text.replace("Blue", "Bleu é").encode(encoding)))
    assert result.kept.num_rows == 3 and result.removed.num_rows == 0
    assert result.kept.column("messages")[0].as_py()[1]["content"] == "Bleu é."


@pytest.mark.parametrize("newline", ["\r", "\r\n", "\n"])
def test_cr_crlf_and_lf_line_endings_give_one_record_per_line(tmp_path, newline):
    result = ingest(write(tmp_path, "rows.jsonl", newline.join([LINE, LINE, "{broken", LINE]).encode()))
    assert result.kept.num_rows == 3 and reasons(result) == ["invalid_json"]
    assert result.removed.column("source_ref")[0].as_py().endswith(":3")


def test_a_pretty_printed_single_object_is_one_record(tmp_path):
    result = ingest(write(tmp_path, "one.json", json.dumps(GOOD, indent=2).encode()))
    assert result.kept.num_rows == 1 and result.removed.num_rows == 0


def test_a_bad_array_element_costs_only_itself(tmp_path):
    elements = [json.dumps(GOOD)] * 9 + ['{"instruction": "x" "output": "y"}'] + [json.dumps(GOOD)] * 9
    pretty = write(tmp_path, "pretty.json", ("[\n  " + ",\n  ".join(elements) + "\n]\n").encode())
    inline = write(tmp_path, "inline.json", ("[" + ", ".join(elements) + "]").encode())
    for path in (pretty, inline):
        result = ingest(path)
        assert (result.kept.num_rows, reasons(result)) == (18, ["invalid_json"]), path.name


def test_the_last_element_broken_in_a_pretty_array_does_not_swallow_what_follows(tmp_path):
    text = "[\n  " + LINE + ',\n  {"instruction": "x",\n    "history": [\n      ["a", "b"\n  ]\n}\n]\n' + LINE + "\n"
    result = ingest(write(tmp_path, "tail.json", text.encode()))
    assert (result.kept.num_rows, reasons(result)) == (2, ["invalid_json"])


def test_invalid_utf8_in_an_array_costs_only_its_element(tmp_path):
    data = b"[" + LINE.encode() + b', {"instruction": "caf\xff", "output": "b"}, ' + LINE.encode() + b"]"
    result = ingest(write(tmp_path, "bytes.json", data))
    assert (result.kept.num_rows, reasons(result)) == (2, ["invalid_utf8"])


def test_appended_arrays_keep_every_element_and_trailing_junk_is_quarantined(tmp_path):
    two = write(tmp_path, "two.json", f"[{LINE},{LINE}][{LINE},{LINE}]".encode())
    assert ingest(two).kept.num_rows == 4
    junk = write(tmp_path, "junk.json", f"[{LINE}] trailing words\n{LINE}\n".encode())
    result = ingest(junk)
    assert (result.kept.num_rows, reasons(result), result.rows_in) == (2, ["invalid_json"], 3)


def test_lone_surrogates_are_quarantined_as_invalid_text(tmp_path):
    bad = '{"instruction": "a\\ud800b", "output": "c"}'
    for path in (write(tmp_path, "s.jsonl", f"{LINE}\n{bad}\n".encode()), write(tmp_path, "s.json", f"[{LINE}, {bad}]".encode())):
        result = ingest(path)
        assert (result.kept.num_rows, reasons(result)) == (1, ["invalid_text"]), path.name


def test_depth_and_length_limits_are_configurable_and_applied_in_ingest(tmp_path):
    deep = "[" * 3000 + "]" * 3000
    nested = json.dumps({**GOOD, "extra": json.loads('{"a": ' * 10 + "1" + "}" * 10)})  # 11 levels
    huge = json.dumps({"instruction": "x" * 1_200_000, "output": "y"})
    path = write(tmp_path, "limits.jsonl", "\n".join([LINE, deep, nested, huge]).encode())
    assert reasons(ingest(path)) == ["too_deep", "too_long"]
    assert reasons(ingest(path, max_depth=8, max_chars=1000)) == ["too_deep", "too_deep", "too_long"]


def test_a_file_mixing_two_formats_reads_each_record_by_its_own_layout(tmp_path):
    chat = json.dumps({"conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hello"}]})
    result = ingest(write(tmp_path, "mixed.jsonl", "\n".join([LINE, LINE, LINE, chat, '{"instruction": "no output"}']).encode()))
    assert result.kept.column("source_format").to_pylist() == ["alpaca", "alpaca", "alpaca", "sharegpt"]
    assert reasons(result) == ["missing_field"]  # the majority's adapter says what the odd one lacks


@pytest.mark.parametrize("fmt", ["auto", *FORMATS])
def test_non_object_lines_are_quarantined_in_every_format(tmp_path, fmt):
    path = write(tmp_path, "odd.jsonl", b'null\n42\n"text"\n[1, 2]\ntrue\n' + LINE.encode() + b"\n")
    result = ingest(path, source={"format": fmt})
    assert reasons(result)[:5] == ["wrong_type"] * 5
    assert "expected a JSON object (got null)" in result.removed.column("detail")[0].as_py()


def test_corrupt_and_truncated_gzip_are_one_line_errors_naming_the_file(tmp_path):
    whole = gzip.compress(((LINE + "\n") * 200).encode())
    corrupt = write(tmp_path, "corrupt.jsonl.gz", whole[:20] + bytes(b ^ 0x55 for b in whole[20:-8]) + whole[-8:])
    truncated = write(tmp_path, "truncated.jsonl.gz", whole[: len(whole) // 2])
    for path in (corrupt, truncated):
        with pytest.raises(UnreadableInput) as err:
            ingest(path)
        assert str(path) in str(err.value) and "\n" not in str(err.value)


def test_undecodable_utf16_is_one_line_error(tmp_path):
    path = write(tmp_path, "odd.jsonl", b"\xff\xfe" + LINE.encode("utf-16-le") + b"\x00")  # odd byte count
    with pytest.raises(UnreadableInput, match="odd.jsonl.*UTF-16-LE"):
        ingest(path)


def test_details_describe_values_by_shape_and_never_quote_them(tmp_path):
    rows = [{"messages": [{"role": "thea.m@x.io", "content": "Hi"}, {"role": "assistant", "content": "Yo"}]},
            {"messages": [{"role": "user", "content": 4155550142}, {"role": "assistant", "content": "Yo"}]}]
    details = " ".join(ingest(write(tmp_path, "pii.jsonl", "\n".join(json.dumps(r) for r in rows).encode())).removed.column("detail").to_pylist()
                       + ingest(write(tmp_path, "keys.jsonl", b'{"thea.m@x.io": 1}')).removed.column("detail").to_pylist())
    assert "thea" not in details and "4155550142" not in details
    assert "text of 11 characters" in details and "a number" in details and "1 other keys" in details
