"""The ledger's transcoder reads and writes exactly what the library's JSONTranscoder does.

Every event of a demo region (all domains) decodes to the same state with both, and encodes to
the same bytes; the shortcuts (shared envelope, direct dataclass construction) fall back to the
plain path whenever the bytes do not have the expected shape.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import JSONTranscoder, TranscodingNotRegisteredError

from domain.certificate_values import leg
from domain.envelope import Meta
from domain.funding_accounts import Account, AccountKind, Transfer, TransferKind
from letopis.bootstrap import build_services
from letopis.demo import DemoGenerator, DemoPlan, SettableClock
from letopis.fast_transcoder import FastJSONTranscoder
from letopis.ledger import Ledger
from letopis.settings import Settings
from letopis.store import init_store
from tests.conftest import TEST_MASTER_KEY
from tests.factories import make_meta
from tests.integration.test_upcasting import ENROLLED_V1_STATE


def _library(ledger: Ledger) -> JSONTranscoder:
    transcoder = JSONTranscoder()
    ledger.register_transcodings(transcoder)
    return transcoder


def _typed(value: Any) -> Any:
    """A value with the type of every part spelled out (so 1 != True and "a" != Enum("a"))."""
    if isinstance(value, dict):
        return {k: _typed(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [type(value).__name__, *(_typed(v) for v in value)]
    if hasattr(value, "__dataclass_fields__"):
        return [type(value).__name__, _typed(vars(value))]
    return [type(value).__name__, value]


@pytest.fixture(scope="module")
def demo_states(tmp_path_factory: pytest.TempPathFactory) -> tuple[Ledger, list[bytes]]:
    """Every stored state of a small demo region (every domain has events in it)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.sqlite'}"
    init_store(url)
    clock = SettableClock()
    # With a master key: the demo's appeal statements are sealed (SealedText events).
    settings = Settings(database_url=url, master_key=TEST_MASTER_KEY.to_base64())
    services = build_services(settings, clock)
    DemoGenerator(services, clock, DemoPlan(learners=12, years=1, seed=3, weeks_of_marks=1)).run()
    notifications = services.ledger.store.select_notifications(1, 1_000_000)
    modules = {n.topic.split(":")[0] for n in notifications}
    assert {"domain.certificate", "domain.claim", "domain.exam", "domain.gradebook",
            "domain.appeal"} <= modules
    assert any(b'"_type_":"letopis.SealedText"' in n.state for n in notifications)
    return services.ledger, [n.state for n in notifications]


def test_the_ledger_uses_the_fast_transcoder(demo_states: tuple[Ledger, list[bytes]]) -> None:
    ledger, _ = demo_states
    assert isinstance(ledger.mapper.transcoder, FastJSONTranscoder)


def test_every_demo_event_decodes_as_the_library_decodes_it(
        demo_states: tuple[Ledger, list[bytes]]) -> None:
    ledger, states = demo_states
    library = _library(ledger)
    fast = ledger.mapper.transcoder
    envelopes = {json.loads(s).get("meta", {}).get("_type_") for s in states}
    assert envelopes == {"letopis.Meta"}
    assert len(states) > 300
    for state in states:
        assert _typed(fast.decode(state)) == _typed(library.decode(state))


def test_every_demo_event_encodes_to_the_same_bytes(
        demo_states: tuple[Ledger, list[bytes]]) -> None:
    ledger, states = demo_states
    library = _library(ledger)
    for state in states:
        decoded = library.decode(state)
        assert ledger.mapper.transcoder.encode(decoded) == library.encode(decoded) == state


def test_events_of_one_command_share_one_decoded_envelope(ledger: Ledger) -> None:
    transcoder = ledger.mapper.transcoder
    meta = make_meta(command_id="shared")
    first = transcoder.decode(transcoder.encode({"n": 1, "meta": meta}))
    second = transcoder.decode(transcoder.encode({"n": 2, "meta": meta}))
    assert first == {"n": 1, "meta": meta}
    assert second == {"n": 2, "meta": meta}
    assert first["meta"] is second["meta"]


def test_version_1_bytes_decode_as_the_library_decodes_them(ledger: Ledger) -> None:
    assert _typed(ledger.mapper.transcoder.decode(ENROLLED_V1_STATE)) == _typed(
        _library(ledger).decode(ENROLLED_V1_STATE))


@pytest.mark.parametrize("shape", ["meta_not_last", "meta_nested", "meta_in_list", "no_meta"])
def test_unusual_shapes_fall_back_to_the_plain_walk(ledger: Ledger, shape: str) -> None:
    meta = make_meta(command_id="odd")
    state: dict[str, Any] = {
        "meta_not_last": {"meta": meta, "after": UUID(int=7)},
        "meta_nested": {"inner": {"x": 1, "meta": meta}},
        "meta_in_list": {"items": [{"meta": meta}], "tail": [{"meta": meta}]},
        "no_meta": {"id": UUID(int=1), "values": [1, "a", None, [UUID(int=2)]]},
    }[shape]
    encoded = _library(ledger).encode(state)
    assert ledger.mapper.transcoder.decode(encoded) == state


def test_dataclass_fields_added_or_removed_later(ledger: Ledger) -> None:
    transfer = Transfer(transfer_id=leg(UUID(int=1), "x"), kind=TransferKind.CHARGE,
                        debit=Account(AccountKind.RESERVE, "k"),
                        credit=Account(AccountKind.SPENT, "k"), amount=5, reference="r")
    stored = json.loads(_library(ledger).encode({"t": transfer}))
    stored["t"]["_data_"]["removed_long_ago"] = 1  # ignored, as the library's decoding does
    decoded = ledger.mapper.transcoder.decode(json.dumps(stored).encode())
    assert decoded == {"t": transfer}
    missing = json.loads(_library(ledger).encode({"m": make_meta(command_id="c")}))
    del missing["m"]["_data_"]["source_system"]  # a field with a default, absent in old bytes
    decoded_meta = ledger.mapper.transcoder.decode(json.dumps(missing).encode())["m"]
    assert isinstance(decoded_meta, Meta)
    assert decoded_meta.source_system == "letopis"


def test_an_unknown_type_name_is_refused_as_by_the_library(ledger: Ledger) -> None:
    with pytest.raises(TranscodingNotRegisteredError):
        ledger.mapper.transcoder.decode(b'{"x":{"_type_":"letopis.Gone","_data_":1}}')


def test_uuids_in_other_spellings_still_decode(ledger: Ledger) -> None:
    data = b'{"a":{"_type_":"uuid_hex","_data_":"00000000-0000-0000-0000-000000000007"}}'
    assert ledger.mapper.transcoder.decode(data) == {"a": UUID(int=7)}


def test_a_transcoding_registered_later_is_used(tmp_path: Path) -> None:
    transcoder = FastJSONTranscoder()
    with pytest.raises(TranscodingNotRegisteredError):
        transcoder.decode(b'{"a":{"_type_":"uuid_hex","_data_":"' + b"0" * 32 + b'"}}')
    from eventsourcing.persistence import UUIDAsHex

    transcoder.register(UUIDAsHex())
    assert transcoder.decode(b'{"a":{"_type_":"uuid_hex","_data_":"' + b"0" * 32 + b'"}}') == {
        "a": UUID(int=0)}


def test_events_sharing_an_envelope_encode_as_the_library_encodes_them(ledger: Ledger) -> None:
    library = _library(ledger)
    meta, other = make_meta(command_id="one"), make_meta(command_id="two")
    states: list[dict[str, Any]] = [
        {"id": UUID(int=1), "meta": meta}, {"id": UUID(int=2), "meta": meta},
        {"id": UUID(int=3), "meta": other}, {"meta": meta}, {"meta": meta, "after": 1},
    ]
    for state in states:
        assert ledger.mapper.transcoder.encode(state) == library.encode(state)


def test_repeated_frozen_values_of_scalars_are_shared(ledger: Ledger) -> None:
    transcoder = ledger.mapper.transcoder
    free = Account(AccountKind.FREE, "2026")
    encoded = transcoder.encode({"a": free, "b": Account(AccountKind.FREE, "2026"),
                                 "c": Account(AccountKind.EXPIRED, "2026")})
    decoded = transcoder.decode(encoded)
    again = transcoder.decode(encoded)
    assert decoded == {"a": free, "b": free, "c": Account(AccountKind.EXPIRED, "2026")}
    assert decoded["a"] is decoded["b"] is again["a"]  # one object per distinct stored value
    assert decoded["c"] is not decoded["a"]


def test_values_that_never_repeat_still_decode_after_sharing_stops(ledger: Ledger) -> None:
    transcoder = ledger.mapper.transcoder
    transfers = [Transfer(leg(UUID(int=n), "x"), TransferKind.CHARGE,
                          Account(AccountKind.RESERVE, "c"), Account(AccountKind.SPENT, "c"), n)
                 for n in range(1, 2_500)]  # past the trial: each has its own id
    decoded = [transcoder.decode(transcoder.encode({"t": t}))["t"] for t in transfers]
    assert decoded == transfers
    assert _typed(decoded[-1]) == _typed(transfers[-1])
