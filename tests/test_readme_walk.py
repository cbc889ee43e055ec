"""The README's "Trying it" walk works as written: its `sh` block runs in bash against a fresh
`deskbot serve` (a real process, as `./scripts/serve --port N` starts it), with only the port
changed, and each step shows what the README says it shows."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


def walk() -> str:
    """The first ```sh block of the README's "Trying it" section."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Trying it") :]
    section = section[: section.index("\n## ", 1)]
    found = re.search(r"```sh\n(.*?)```", section, re.S)
    assert found, "the Trying it section has no sh block"
    return found.group(1)


def test_the_walk_names_the_documented_port_and_commands() -> None:
    script = walk()
    assert script.startswith("BOT=http://127.0.0.1:8080\n")
    assert "--email admin@example.com" in script and "/sandbox/clock" in script
    assert "../" not in README.read_text(encoding="utf-8")  # nothing outside the repository


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path):  # type: ignore[no-untyped-def]
    """`deskbot serve --port N` on the shipped bot.toml with its database in `tmp_path`,
    started once it has installed itself on its sandboxes (it prints `install: …`). A port is
    free when chosen but may be taken before serve binds it (by its own sandboxes, which bind
    any free port first, or another test): serve then says so and stops, and another is tried."""
    shipped = (ROOT / "bot.toml").read_text(encoding="utf-8")
    config = tmp_path / "bot.toml"
    config.write_text(
        shipped.replace('path = "var/deskbot.db"', f'path = "{tmp_path / "deskbot.db"}"'),
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("DESKBOT_")}
    errors = tmp_path / "serve.stderr"
    for _attempt in range(5):
        port = _free_port()
        with errors.open("w") as stderr:
            process = subprocess.Popen(
                [
                    *(str(ROOT / ".venv/bin/deskbot"), "serve", "--config", str(config)),
                    *("--port", str(port)),
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
            )
        assert process.stdout is not None
        seen = []
        for line in process.stdout:  # ends when serve exits
            seen.append(line)
            if line.startswith("install: Desk events"):
                break
        else:
            process.wait(timeout=30)
            said = errors.read_text(encoding="utf-8")
            if "address already in use" in said:
                continue
            pytest.fail(f"serve stopped before installing itself: {''.join(seen)}{said}")
        break
    else:
        pytest.fail("serve found no free port in 5 tries")
    try:
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def steps_marked(script: str) -> str:
    """The script with `echo "=== step N"` before each step's comment (`# N. …`), so each
    step's output can be told apart; nothing else changes."""
    return re.sub(r"^# (\d)\. ", r'echo "=== step \1"\n# \1. ', script, flags=re.M)


def test_the_walk_runs_as_written(served: int) -> None:
    script = steps_marked(walk().replace("127.0.0.1:8080", f"127.0.0.1:{served}", 1))
    env = {k: v for k, v in os.environ.items() if not k.startswith("DESKBOT_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    done = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    parts = re.split(r"=== step (\d)\n", done.stdout)
    step = {int(n): text for n, text in zip(parts[1::2], parts[2::2], strict=True)}
    assert sorted(step) == [1, 2, 3, 4]
    assert "#115" in step[1]  # the ticket's card, in the terminal
    assert "On Hold" in step[2]  # the DM that reached Aiko
    assert "Daily digest" in step[3]  # the preview, to Ada alone
    assert '"offset_seconds": 86400.0' in step[4] and "Daily digest" in step[4]
