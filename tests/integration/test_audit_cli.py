"""`letopis keys|seal|checkpoints|verify|proof|verify-proof` end to end, on both stores.

Bad input is one line on stderr, a non-zero exit, and nothing written.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from letopis.cli import run
from letopis.cli_audit import EXIT_TAMPERED, EXIT_USAGE
from replay.audit_store import open_audit
from tests.tamper import Tamper, write_history


@pytest.fixture
def env(store_url: tuple[str, str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> tuple[str, str, Path]:
    url, schema = store_url
    monkeypatch.setenv("LETOPIS_DATABASE_URL", url)
    monkeypatch.setenv("LETOPIS_DATABASE_SCHEMA", schema)
    monkeypatch.delenv("LETOPIS_AUDIT_SIGNING_KEY", raising=False)
    write_history(url, schema, [0, 1, 2, 0, 1, 2, 3])
    return url, schema, tmp_path


def call(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = run(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> str:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("letopis: ")
    return lines[0]


def keyed(env: tuple[str, str, Path], monkeypatch: pytest.MonkeyPatch,
          capsys: pytest.CaptureFixture[str]) -> Path:
    keys = env[2] / "keys"
    assert call(capsys, "keys", "generate", "--out", str(keys))[0] == 0
    monkeypatch.setenv("LETOPIS_AUDIT_SIGNING_KEY", str(keys / "letopis-audit.key"))
    return keys


def seal_rows(env: tuple[str, str, Path]) -> int:
    with open_audit(env[0], env[1]).snapshot() as snapshot:
        return sum(1 for _ in snapshot.seals())


def test_seal_verify_export_prove(env: tuple[str, str, Path], monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    keys = keyed(env, monkeypatch, capsys)
    code, out, _ = call(capsys, "seal", "--every", "3")
    assert (code, out) == (0, "sealed 7 events (7 in all, up to position 7); "
                              "3 checkpoints signed\n")
    exported = env[2] / "checkpoints.jsonl"
    assert call(capsys, "checkpoints", "export", "--out", str(exported))[0] == 0
    assert [json.loads(line)["tree_size"] for line in exported.read_text().splitlines()] == [
        3, 6, 7]
    public = str(keys / "letopis-audit.pub")
    code, out, _ = call(capsys, "verify", "--from-checkpoint", str(exported),
                        "--public-key", public)
    assert code == 0
    assert out.startswith("verified 7 events and 3 checkpoints (signatures checked with key ")
    assert out.endswith("; not yet sealed: 0\n")
    proof = env[2] / "proof.json"
    assert call(capsys, "proof", "5", "--checkpoint", "6", "--out", str(proof))[0] == 0
    code, out, _ = call(capsys, "verify-proof", str(proof), "--public-key", public)
    assert code == 0
    assert "position 5" in out
    assert "is leaf 4 of 6" in out
    # A proof whose event was altered no longer leads to the signed root.
    document = json.loads(proof.read_text())
    document["event"]["version"] += 1
    proof.write_text(json.dumps(document))
    code, out, err = call(capsys, "verify-proof", str(proof), "--public-key", public)
    assert (code, out) == (EXIT_TAMPERED, "")
    assert "do not lead to the checkpoint's Merkle root" in one_line(err)


def test_verify_names_damage_with_its_own_exit_code(
        env: tuple[str, str, Path], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    keyed(env, monkeypatch, capsys)
    assert call(capsys, "seal")[0] == 0
    Tamper(env[0], env[1]).flip_byte(4, 3)
    code, out, err = call(capsys, "verify")
    assert (code, out) == (EXIT_TAMPERED, "")
    assert one_line(err).startswith("letopis: verification failed at position 4: "
                                    "modified payload")


def test_seal_without_a_key_is_refused_and_writes_nothing(
        env: tuple[str, str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = call(capsys, "seal")
    assert (code, out) == (EXIT_USAGE, "")
    assert "LETOPIS_AUDIT_SIGNING_KEY" in one_line(err)
    assert seal_rows(env) == 0


@pytest.mark.parametrize("content", [None, b"not a key", b"-----BEGIN PUBLIC KEY-----\nx\n"])
def test_a_bad_key_file_is_one_line(env: tuple[str, str, Path],
                                    monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str],
                                    content: bytes | None) -> None:
    path = env[2] / "bad.key"
    if content is not None:
        path.write_bytes(content)
    monkeypatch.setenv("LETOPIS_AUDIT_SIGNING_KEY", str(path))
    code, out, err = call(capsys, "seal")
    assert (code, out) == (EXIT_USAGE, "")
    assert str(path) in one_line(err)
    assert seal_rows(env) == 0
    code, _, err = call(capsys, "verify", "--public-key", str(path))
    assert code == EXIT_USAGE
    assert str(path) in one_line(err)


def test_another_sealers_key_does_not_verify(env: tuple[str, str, Path],
                                             monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    keyed(env, monkeypatch, capsys)
    assert call(capsys, "seal")[0] == 0
    other = env[2] / "other"
    assert call(capsys, "keys", "generate", "--out", str(other))[0] == 0
    code, _, err = call(capsys, "verify", "--public-key", str(other / "letopis-audit.pub"))
    assert code == EXIT_TAMPERED
    assert "is not signed by the given key" in one_line(err)


def test_keys_are_never_overwritten(env: tuple[str, str, Path], monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    keys = keyed(env, monkeypatch, capsys)
    before = (keys / "letopis-audit.key").read_bytes()
    code, _, err = call(capsys, "keys", "generate", "--out", str(keys))
    assert code == EXIT_USAGE
    assert "already exists" in one_line(err)
    assert (keys / "letopis-audit.key").read_bytes() == before


@pytest.mark.parametrize("args", [["12"], ["5", "--checkpoint", "4"]])
def test_a_proof_of_an_unknown_position_writes_nothing(
        env: tuple[str, str, Path], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    keyed(env, monkeypatch, capsys)
    assert call(capsys, "seal", "--every", "3")[0] == 0
    out_file = env[2] / "proof.json"
    code, out, err = call(capsys, "proof", *args, "--out", str(out_file))
    assert (code, out) == (EXIT_USAGE, "")
    assert "position" in one_line(err)
    assert not out_file.exists()


@pytest.mark.parametrize("text", ["", "{not json\n", '{"format": "letopis-checkpoint/v1"}\n',
                                  '{"format": "other"}\n'])
def test_a_malformed_checkpoint_file_is_one_line(env: tuple[str, str, Path],
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str],
                                                 text: str) -> None:
    keys = keyed(env, monkeypatch, capsys)
    path = env[2] / "checkpoints.jsonl"
    path.write_text(text)
    code, out, err = call(capsys, "verify", "--from-checkpoint", str(path), "--public-key",
                          str(keys / "letopis-audit.pub"))
    assert (code, out) == (EXIT_USAGE, "")
    assert str(path) in one_line(err)


def test_a_malformed_proof_is_a_usage_error(env: tuple[str, str, Path],
                                            monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    keys = keyed(env, monkeypatch, capsys)
    path = env[2] / "proof.json"
    path.write_text('{"format": "letopis-inclusion-proof/v1", "event": {}}')
    code, _, err = call(capsys, "verify-proof", str(path), "--public-key",
                        str(keys / "letopis-audit.pub"))
    assert code == EXIT_USAGE
    assert "malformed proof" in one_line(err)


def test_a_store_from_before_the_audit_tables_is_told_to_init(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    import sqlite3

    path = tmp_path / "old.sqlite"
    sqlite3.connect(path).close()  # a file without the audit tables
    monkeypatch.setenv("LETOPIS_DATABASE_URL", f"sqlite:///{path}")
    code, out, err = call(capsys, "verify")
    assert (code, out) == (EXIT_USAGE, "")
    assert "run `letopis db init`" in one_line(err)
