"""What the Deluge-safe wire costs: body size and parse time of one form submit, against the same
envelope sent as plain JSON (the baseline, measured in the same run).

Run by hand (not by CI):

    .venv/bin/python bench/deluge_wire.py [--chars 2000] [--rounds 20000]

The envelope is a Reply form submit with `--chars` characters of mixed text (quotes, line breaks,
Japanese, emoji), a user and a chat, as `bot.cliq.shim.shim_body` builds it and as a webhook-type
extension would send it (`json.dumps`). Both are parsed with `bot.cliq.envelope.parse_envelope`.
"""

from __future__ import annotations

import argparse
import json
import time

from bot.cliq.envelope import parse_envelope
from bot.cliq.shim import shim_body
from bot.testing.signing import DEFAULT_CHAT, DEFAULT_USER, envelope


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chars", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=20_000)
    args = parser.parse_args()
    unit = 'He said "ok",\n\tthen 日本語 🎉 '
    text = (unit * (args.chars // len(unit) + 1))[: args.chars]
    env = envelope(
        "function",
        "form_handler",
        name="botform",
        params={
            "user": DEFAULT_USER,
            "chat": DEFAULT_CHAT,
            "form": {
                "name": "reply",
                "action": "submit",
                "values": {
                    "content": text,
                    "then_status": {"label": "On Hold", "value": "On Hold"},
                    "ticket": "1166045000000000115",
                    "seen": "0",
                },
            },
        },
        timestamp=1772413200000,
    )
    bodies = {
        "json (baseline)": json.dumps(env, ensure_ascii=False).encode(),
        "deluge-b64": shim_body(env),
    }
    timings: dict[str, float] = {}
    for name, body in bodies.items():
        assert parse_envelope(body).params.form.values["content"] == text  # type: ignore[union-attr]
        start = time.perf_counter()
        for _ in range(args.rounds):
            parse_envelope(body)
        timings[name] = (time.perf_counter() - start) / args.rounds * 1e6
    base_size, base_time = len(bodies["json (baseline)"]), timings["json (baseline)"]
    print(f"form submit with {args.chars} characters of text, {args.rounds} parses each")
    for name, body in bodies.items():
        print(
            f"{name:16} {len(body):7} bytes ({len(body) / base_size:4.2f}x)  "
            f"{timings[name]:7.1f} µs/parse ({timings[name] / base_time:4.2f}x)"
        )


if __name__ == "__main__":
    main()
