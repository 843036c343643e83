"""Rebound Journey, the Telegram Mini App: the page under ``/app/`` and its JSON API under
``/app/api/``, served by Rebound's own web server (bot.server) when REBOUND_WEBAPP_URL is set."""
