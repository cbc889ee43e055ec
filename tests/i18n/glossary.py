"""The Japanese glossary: one word per concept across every catalog (framework, deskbot, notices,
attendance, console), so chat, posts and the console name a thing alike.

Each concept's word is Zoho's own where its Japanese help uses one (Zoho Desk: 問い合わせ for a
ticket, 担当者 for an agent, 制限付き担当者 for a light agent, https://help.zoho.com/portal/ja/kb/
desk/for-administrators/user-access-and-security/articles/zoho-desk%E3%83%A6%E3%83%BC%E3%82%B6
%E3%83%BC%E3%81%AE%E8%BF%BD%E5%8A%A0%E3%81%A8%E7%AE%A1%E7%90%86; Zoho Cliq: チャンネル,
https://www.zoho.com/jp/crm/help/zoho-cliq.html), else the chat's (デイリーダイジェスト).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    """`word` is what every Japanese text says for `concept`; `banned` matches what it must not
    say instead; `required_for` (optional) matches an English msgid whose Japanese must use
    `word`."""

    concept: str
    word: str
    banned: re.Pattern[str]
    required_for: re.Pattern[str] | None = None


GLOSSARY = [
    # Desk's own Setup → チャネル (its support channels: mail, phone…) is named as Desk shows it,
    # in brackets; a Cliq channel is a チャンネル.
    Term("Cliq channel", "チャンネル", re.compile(r"(?<!\[)チャネル")),
    Term("ticket", "問い合わせ", re.compile(r"チケット")),
    Term(
        "daily digest",
        "ダイジェスト",
        re.compile(r"概要"),
        re.compile(r"(?<!/deskbot )\bdigests?\b", re.I),
    ),
    Term(
        "light agent",
        "制限付き担当者",
        re.compile(r"ライト(?:エージェント|担当者)"),
        re.compile(r"\blight agents?\b", re.I),
    ),
    Term("agent", "担当者", re.compile(r"エージェント")),
    Term("department", "部門", re.compile(r"部署")),
    Term("direct message", "ダイレクトメッセージ", re.compile(r"(?<![A-Za-z])DMs?(?![A-Za-z])")),
    Term("time zone", "タイムゾーン", re.compile(r"時間帯")),
    # Quotes in Japanese are 「」 (around what a person typed, a name, a status): never ASCII or
    # English curly quotes.
    Term("quotation", "「」", re.compile(r"['\"“”‘’]")),
]
"""Every concept with more than one Japanese word in use once (issue: チャネル/チャンネル,
チケット/問い合わせ, 日次の概要/毎日の概要/デイリーダイジェスト, ライトエージェント/制限付き担当者)."""
