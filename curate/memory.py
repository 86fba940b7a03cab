"""The Arrow memory pool a process that runs steps allocates from.

pyarrow's default pool (mimalloc, as pyarrow 26 bundles it) keeps the pages a step frees, so a phase
that builds and drops large Arrow buffers (sorting ten million ids, reading batches) holds its
high-water mark into the phases after it. The system allocator hands large blocks back when they are
freed. Measured on the 10M synthetic records (`bench/scaling/`): split's peak 1,192 MB with the default
pool, 886 with the system one; the 1M core flow took 247.4 and 244.9 CPU µs a record. Where
``ARROW_DEFAULT_MEMORY_POOL`` is set, it chooses.
"""

from __future__ import annotations

import os

import pyarrow as pa


def use_returning_pool() -> None:
    """Make the system allocator Arrow's default pool in this process, unless ``ARROW_DEFAULT_MEMORY_POOL`` names one."""
    if "ARROW_DEFAULT_MEMORY_POOL" not in os.environ and pa.default_memory_pool().backend_name != "system":
        pa.set_memory_pool(pa.system_memory_pool())
