"""YAML read with limits, for a config file that may not be ours.

``yaml.safe_load`` builds no objects from tags, but it still trusts the
document's size: aliases share one node, so a 1.5 KB "billion laughs" file
loads in a blink and then expands to gigabytes as soon as anything walks it
(validation, hashing, an error message). It also takes the last of two equal
keys without a word. Here the node graph is measured *before* anything is
built: its expanded size (every node, plus every scalar's characters, counted
once per alias that reaches it) must stay under ``MAX_EXPANDED``; a
self-referencing alias and a duplicate key are errors naming the line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

MAX_BYTES = 1_000_000
"""Largest config file read (flows.yaml is a few KB)."""

MAX_EXPANDED = 2_000_000
"""Budget of nodes + scalar characters once aliases are expanded (a 1 MB file without aliases fits)."""


class YamlRefused(ValueError):
    """A document refused before it was built: the message is one line, with a line number."""


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml's parser: 100x the pure-Python one on a long scalar
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        first: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":  # `<<: *base` then overriding keys is the point of merges
                continue
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            try:
                if key in first:
                    raise YamlRefused(f"line {line}: key {_short(key)} appears twice (first at line {first[key]}); "
                                      "keep one, a second one would silently win")
                first[key] = line
            except TypeError:  # an unhashable key: the base constructor says so with its own message
                break
        return super().construct_mapping(node, deep=deep)


def load_yaml(path: Path) -> Any:
    """The document in ``path``, or ``YamlRefused``/``OSError`` with one line saying why."""
    with path.open("rb") as fh:
        data = fh.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise YamlRefused(f"larger than {MAX_BYTES:,} bytes; a flows file is a few KB, is this the right file?")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise YamlRefused(f"not UTF-8 text (byte {exc.start} is 0x{data[exc.start]:02x}); is it a binary file?") from None
    return loads(text)


def loads(text: str) -> Any:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_size(node)
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise YamlRefused(f"not valid YAML: {where}{exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise YamlRefused(f"not valid YAML: {str(exc).splitlines()[0]}") from None
    except RecursionError:
        raise YamlRefused("nested too deeply to read") from None
    except ValueError as exc:  # YamlRefused, or an integer too long to convert
        if isinstance(exc, YamlRefused):
            raise
        raise YamlRefused(f"a value cannot be read ({str(exc).split(':')[0][:120]})") from None
    finally:
        loader.dispose()


def _check_size(root: yaml.Node) -> None:
    """Expanded size of the node graph, each distinct node measured once (memo), so
    the check costs the size of the file, not of the expansion."""
    size: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            on_path.discard(key)
            size[key] = 1 + sum(size[id(c)] for c in _children(node))
            if size[key] > MAX_EXPANDED:
                raise YamlRefused(f"line {node.start_mark.line + 1}: aliases expand the document past {MAX_EXPANDED:,} "
                                  "nodes and characters (a YAML alias bomb?); write the values out, or use fewer aliases")
            continue
        if key in size:
            continue
        if key in on_path:
            raise YamlRefused(f"line {node.start_mark.line + 1}: an alias refers to a node that contains it; "
                              "a config cannot be infinite")
        if isinstance(node, yaml.ScalarNode):
            size[key] = 1 + len(node.value)
            continue
        on_path.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in size)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return node.value
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _short(value: Any) -> str:
    text = repr(value) if isinstance(value, str | int | float | bool) or value is None else type(value).__name__
    return text if len(text) <= 60 else text[:57] + "..."
