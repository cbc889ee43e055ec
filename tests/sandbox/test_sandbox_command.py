"""`deskbot sandbox`: the sandbox Desk, Cliq and Accounts in a process of their own, printing
what `serve` needs to use them, keeping their world across restarts, stopping cleanly."""

from __future__ import annotations

import json
import signal
import subprocess
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def start(config: Path) -> tuple[subprocess.Popen[str], dict[str, str], list[str]]:
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/deskbot"), "sandbox", "--config", str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    lines: list[str] = []
    for line in process.stdout:  # ends if the process dies
        lines.append(line.rstrip("\n"))
        if line.startswith("serve uses them"):
            break
    urls = {
        words[1]: words[2] for words in (line.split() for line in lines) if words[0] == "sandbox"
    }
    return process, urls, lines


def post(url: str, body: object) -> dict[str, object]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def test_the_sandboxes_run_alone_and_keep_their_world(tmp_path: Path) -> None:
    config = tmp_path / "bot.toml"
    config.write_text(f'[store]\npath = "{tmp_path / "deskbot.db"}"\n', encoding="utf-8")
    process, urls, lines = start(config)
    try:
        assert set(urls) >= {"desk", "cliq", "accounts"}, lines
        assert f"sandbox state    {tmp_path / 'deskbot.sandbox.db'}" in lines
        assert f'desk_url = "{urls["desk"]}"' in lines[-1]  # what to put in [sandbox]
        moved = post(f"{urls['desk']}/sandbox/clock", {"hours": 2})
        assert moved["offset_seconds"] == 7200
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    assert process.stderr is not None and "Traceback" not in process.stderr.read()
    again, urls, lines = start(config)
    try:
        with urllib.request.urlopen(f"{urls['desk']}/sandbox/clock", timeout=30) as response:
            assert json.loads(response.read())["offset_seconds"] == 7200  # the world was kept
    finally:
        again.send_signal(signal.SIGTERM)
        assert again.wait(timeout=30) == 0
