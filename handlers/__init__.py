"""Telegram handlers, one module per feature, each declaring its handlers on its ``feature``
(a :class:`handlers.common.Feature`).

Handlers parse the update, call a flow (``bot.flows``) or storage, and answer in the
reader's language; they never write SQL and never import each other (only
``handlers.common``, the turn every handler goes through).
"""

from handlers import (
    budgets,
    cancel,
    common,
    consent,
    credits,
    groups,
    ideas,
    language,
    needs,
    notices,
    outcomes,
    paper,
    posters,
    privacy,
    private_ideas,
    proposals,
    rounds,
    settings,
    start,
    statements,
    summaries,
    unknown,
    voting,
)

# All handlers share handler group 0, where the first match wins, tried feature by feature
# in this order and within a feature in the order they are declared. Two features take the
# same command word: ideas' /idea answers in groups and private_ideas' /idea in private chats
# (their filters do not overlap), so the order below is the order of the command menu:
# a round's life first (with the other ways to decide after its vote), then the time bank,
# then settings, privacy and help; last, the answer to a command the bot does not have, and
# the answers to the bot's own questions.
FEATURES = tuple(
    module.feature
    for module in (rounds, ideas, private_ideas, proposals, voting, statements, consent, budgets, paper, posters,
                   outcomes, credits, needs, cancel, summaries, settings, privacy, notices, language, groups, start,
                   unknown)
) + (common.questions,)  # fmt: skip
