"""The by-hand proof check of docs/audit.md, run as written with jq, xxd, sha256sum, OpenSSL."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from letopis.cli import run
from tests.integration.test_replay_audit import AUDIT_DOC
from tests.tamper import write_history

TOOLS = ("bash", "jq", "xxd", "sha256sum", "base64", "openssl")


def by_hand_script() -> str:
    (script,) = re.findall(r"```bash\n(.*?)```", AUDIT_DOC.read_text(encoding="utf-8"),
                           re.DOTALL)
    return script


@pytest.mark.skipif(any(shutil.which(t) is None for t in TOOLS),
                    reason=f"needs {', '.join(TOOLS)}")
def test_the_documented_procedure_checks_a_proof(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'letopis.sqlite'}"
    monkeypatch.setenv("LETOPIS_DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    assert run(["db", "init"]) == 0
    write_history(url, "letopis", [0, 1, 2, 1, 0, 3, 4])
    assert run(["keys", "generate", "--out", "."]) == 0
    monkeypatch.setenv("LETOPIS_AUDIT_SIGNING_KEY", str(tmp_path / "letopis-audit.key"))
    assert run(["seal"]) == 0
    script = tmp_path / "by-hand.sh"
    script.write_text(by_hand_script())
    for position in (1, 4, 7):
        assert run(["proof", str(position), "--out", "proof.json"]) == 0
        capsys.readouterr()
        done = subprocess.run(["bash", str(script)], capture_output=True, text=True,
                              cwd=tmp_path, check=False)
        computed, signed, verdict = done.stdout.strip().splitlines()[-3:]
        assert computed.split()[-1] == signed.split()[-1]
        assert verdict == "Signature Verified Successfully"
    # The same procedure rejects an altered event.
    proof = json.loads((tmp_path / "proof.json").read_text())
    proof["event"]["version"] += 1
    (tmp_path / "proof.json").write_text(json.dumps(proof))
    done = subprocess.run(["bash", str(script)], capture_output=True, text=True,
                          cwd=tmp_path, check=False)
    computed, signed = done.stdout.strip().splitlines()[:2]
    assert computed.split()[-1] != signed.split()[-1]
