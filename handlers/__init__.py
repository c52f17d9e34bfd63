"""Telegram handlers, one module per feature, each with ``register(app)``.

Handlers parse the update, call the domain and render the answer; they never write SQL.
"""

from handlers import groups, language, outcomes, settings, voting

# Order matters only where two features could claim the same message; see ARCHITECTURE.md.
FEATURES = (groups, language, settings, voting, outcomes)
