"""Bots built only on the framework (`bot.framework`, `bot.testing`), none of Deskbot's code."""
