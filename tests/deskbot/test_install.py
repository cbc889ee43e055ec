"""`deskbot install` against the strict sandbox Cliq: idempotent without a `bots` field, channels
paged ≤ 100, a repeat associate under either answer, and a public URL Desk would refuse."""

from __future__ import annotations

import http.server
import socket
import threading

import pytest

from bot.app import create_app
from bot.cli import _install, main
from bot.clock import FrozenClock
from bot.config import Config
from bot.install import InstallError
from bot.testing import SignedRequests
from tests.deskbot.conftest import Deskbot
from tests.deskbot.test_notifications import change, settle


def url_of(deskbot: Deskbot) -> str:
    return str(deskbot.client.make_url("")).rstrip("/")


@pytest.mark.parametrize("repeat", ["error", "ok"])
async def test_install_twice_changes_nothing_and_makes_no_associate_call(
    deskbot: Deskbot, repeat: str
) -> None:
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    sandbox.cliq.switches.repeat_associate = repeat  # type: ignore[assignment]
    first = await deskbot.parts.installation.install(url_of(deskbot))
    assert "created the channel #desk" in first and "added the bot to #desk" in first
    assert sandbox.cliq.associations == [("deskbot", "desk")]
    webhooks = await sandbox.desk.webhooks()
    channels = dict(sandbox.cliq.channels)
    assert await deskbot.parts.installation.install(url_of(deskbot)) == []
    assert sandbox.cliq.associations == [("deskbot", "desk")]  # no second associate call
    assert await sandbox.desk.webhooks() == webhooks and sandbox.cliq.channels == channels


@pytest.mark.parametrize("repeat", ["error", "ok"])
async def test_install_with_a_fresh_store_and_the_bot_already_in_the_channel_succeeds(
    deskbot: Deskbot, repeat: str
) -> None:
    """The store forgot (a new database), Cliq still has the bot: "already a member" is fine."""
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    sandbox.cliq.switches.repeat_associate = repeat  # type: ignore[assignment]
    sandbox.cliq.add_channel("desk", bots=["deskbot"])
    done = await deskbot.parts.installation.install(url_of(deskbot))
    assert not any("channel" in line for line in done)
    assert sandbox.cliq.associations == [("deskbot", "desk")]
    assert await deskbot.parts.installation.install(url_of(deskbot)) == []
    assert sandbox.cliq.associations == [("deskbot", "desk")]


async def test_install_finds_the_org_channel_past_the_first_page(deskbot: Deskbot) -> None:
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    for number in range(150):
        sandbox.cliq.add_channel(f"team {number}")
    sandbox.cliq.add_channel("desk")  # the 151st: on the second page of 100
    done = await deskbot.parts.installation.install(url_of(deskbot))
    assert "created the channel #desk" not in done and "added the bot to #desk" in done


async def test_a_public_url_whose_webhook_url_desk_would_refuse_is_refused_plainly(
    deskbot: Deskbot,
) -> None:
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    long_url = "https://" + "a" * 80 + ".example.com"
    with pytest.raises(InstallError, match="Desk accepts at most 100") as caught:
        await deskbot.parts.installation.install(long_url)
    assert "/desk/events" in str(caught.value) and "public_url" in str(caught.value)
    assert sandbox.cliq.channels == {} and sandbox.cliq.associations == []
    exactly = "https://" + "b" * (100 - len("https:///desk/events"))
    assert len(exactly + "/desk/events") == 100  # the longest that Desk takes


def test_the_install_command_refuses_a_long_public_url_with_one_line(
    config: Config, tmp_path, capsys
) -> None:  # type: ignore[no-untyped-def]
    toml = tmp_path / "bot.toml"
    long_url = "https://" + "a" * 90 + ".example.com"
    toml.write_text(f'[server]\npublic_url = "{long_url}"\n[store]\npath = "{config.store.path}"\n')
    assert main(["install", "--config", str(toml)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("deskbot install: The Desk webhook URL") and "Traceback" not in err


async def test_desk_failing_its_validation_get_is_an_install_error_naming_the_url(
    deskbot: Deskbot,
) -> None:
    """`serve` not answering at public_url (wrong port, not running): Desk's validation GET
    fails and install says which URL and what to check, nothing else half-done on Desk."""
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    with pytest.raises(InstallError) as caught:
        await deskbot.parts.installation.install("http://127.0.0.1:1")
    said = str(caught.value)
    assert "Desk could not reach http://127.0.0.1:1/desk/events" in said
    assert "deskbot serve" in said and "public_url" in said and "\n" not in said
    assert await sandbox.desk.webhooks() == []


async def test_serve_installing_itself_where_desk_cannot_reach_it_says_so_in_one_line(
    deskbot: Deskbot, config: Config, caplog: pytest.LogCaptureFixture
) -> None:
    """A sandbox `serve` installs itself once listening; if Desk never reaches its public_url,
    the worker gave up with a traceback at shutdown (its InstallError was not caught). Now it
    asks a few times (Desk may ask before the server listens), then says why in one line."""
    from bot.app import _install_when_listening

    unreachable = config.model_copy(
        update={"server": config.server.model_copy(update={"public_url": "http://127.0.0.1:1"})}
    )
    await _install_when_listening(
        deskbot.parts.installation, unreachable, attempts=3, pause=0
    )  # returns, raising nothing
    [line] = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert "Desk could not reach http://127.0.0.1:1/desk/events" in line and "\n" not in line


class NotABot(http.server.BaseHTTPRequestHandler):
    """Something else answering at public_url: JSON, but no sandboxes."""

    def do_GET(self) -> None:
        body = b'{"ok": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.parametrize("command", ["install", "uninstall"])
@pytest.mark.parametrize("answer", ["nobody", "not a bot"])
def test_install_in_sandbox_mode_with_no_running_bot_says_what_it_needs(
    config: Config, tmp_path, capsys, command: str, answer: str
) -> None:  # type: ignore[no-untyped-def]
    """No throwaway sandboxes: with no bot (or something else) at public_url, one line says
    what the command needs, and nothing is started or changed."""
    other = http.server.HTTPServer(("127.0.0.1", 0), NotABot)
    port = other.server_address[1]
    if answer == "not a bot":
        threading.Thread(target=other.serve_forever, daemon=True).start()
    else:
        other.server_close()  # the port is free: nothing answers there
    toml = tmp_path / "bot.toml"
    toml.write_text(
        f'[server]\npublic_url = "http://127.0.0.1:{port}"\n[store]\npath = "{config.store.path}"\n'
    )
    try:
        assert main([command, "--config", str(toml)]) == 1
    finally:
        if answer == "not a bot":
            other.shutdown()
            other.server_close()
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1, captured
    assert captured.err.startswith(f"deskbot {command}: sandbox mode acts on the running bot's")
    reason = "no bot answers" if answer == "nobody" else "lists no sandboxes"
    assert reason in captured.err and "deskbot serve" in captured.err and "desk_url" in captured.err
    assert not (tmp_path / "deskbot.sandbox.db").exists()  # no sandboxes were started


async def test_install_and_uninstall_in_sandbox_mode_act_on_the_running_bots_sandboxes(
    aiohttp_client, config: Config, clock: FrozenClock, signer: SignedRequests, capsys
) -> None:  # type: ignore[no-untyped-def]
    """`deskbot uninstall` then `deskbot install`, run while serve runs: they find its
    sandboxes in its /healthz and change those; the running bot accepts the new webhook."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        port = holder.getsockname()[1]
    server = config.server.model_copy(update={"public_url": f"http://127.0.0.1:{port}"})
    config = config.model_copy(update={"server": server})
    client = await aiohttp_client(create_app(config, clock=clock), server_kwargs={"port": port})
    deskbot = Deskbot(client, signer, clock, [])
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    await deskbot.parts.installation.install(config.public_url)
    [first] = await sandbox.desk.webhooks()

    assert await _install(config, "uninstall") == 0
    assert f"removed the Desk webhook {first['id']}" in capsys.readouterr().out
    assert await sandbox.desk.webhooks() == []

    assert await _install(config, "install") == 0
    assert f"subscribed {config.public_url}/desk/events" in capsys.readouterr().out
    [second] = await sandbox.desk.webhooks()
    assert second["id"] != first["id"]
    deskbot.subscribe()
    await change(deskbot, 115, actor="maria@example.com", status="On Hold")
    [dm] = await settle(deskbot)  # the running bot took the new webhook's event
    assert dm["target"] == "agent@example.com" and "On Hold" in dm["body"]["text"]
