"""Who is who: a Cliq user's Desk agent (by e-mail), and each agent's own Desk connection."""
