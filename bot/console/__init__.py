"""The web console (issue 15): Deskbot's attendance and settings pages under `/console/`, served
by the same process as `/cliq`, signed in with Zoho. `bot.console.app` mounts it; each page
module contributes a `routes` table and its navigation links there."""
