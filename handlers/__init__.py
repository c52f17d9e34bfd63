"""Telegram handlers, one module per feature, each with ``register(app)``.

Handlers parse the update, call the domain and render the answer; they never write SQL.
"""

from handlers import (
    credits,
    groups,
    ideas,
    language,
    outcomes,
    privacy,
    private_ideas,
    proposals,
    reminders,
    rounds,
    settings,
    summaries,
    voting,
)

# Order matters only where two features could claim the same message; see ARCHITECTURE.md.
FEATURES = (groups, rounds, ideas, private_ideas, proposals, language, settings, voting, outcomes, reminders, summaries, credits, privacy)
