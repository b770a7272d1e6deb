"""The stored event JSON as its two readers see it (fast_transcoder.py, projections/raw.py).

`loads` parses at C speed with orjson, and what orjson refuses (an integer past 64 bits, a lone
surrogate) with `json`, so the same bytes give the same values. Every Letopis event ends with
its envelope (`meta`), and the events of one command share it byte for byte: `split_envelope`
cuts it off, so a reader parses it once per distinct text and shares it.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

META_MARK = b',"meta":{"_type_":"letopis.Meta","_data_":'
META_START = len(b',"meta":')
META_CACHE_LIMIT = 4_096  # distinct envelopes a reader keeps parsed

_fast_loads = orjson.loads
_json_loads = json.JSONDecoder().decode
DecodeError = orjson.JSONDecodeError  # a ValueError


def loads(data: bytes) -> Any:
    """The JSON as plain dicts and lists."""
    try:
        return _fast_loads(data)
    except DecodeError:  # what `json` accepts and orjson does not, or not JSON (raises again)
        return _json_loads(bytes(data).decode("utf8"))


def split_envelope(data: bytes) -> tuple[bytes, bytes] | None:
    """(the event without its envelope, the envelope's text) when the envelope is the last field,
    else None. The cut is textual: a caller that fails to parse either part parses `data` whole
    (a `meta` nested deeper than the event)."""
    cut = data.rfind(META_MARK)
    if cut > 0 and data.endswith(b"}}}"):
        return data[:cut] + b"}", data[cut + META_START:-1]
    return None
