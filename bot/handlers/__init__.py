"""The HTTP edge (aiohttp routes) and, later, the background workers."""
