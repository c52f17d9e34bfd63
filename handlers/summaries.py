"""Summaries: posted on each group's schedule, or at once with ``/summary``.

The scheduled summary is a flow (:mod:`bot.flows.summaries`); ``/summary`` (facilitators)
posts the period so far the same way, without ending the period.
"""

from __future__ import annotations

import datetime as dt

from bot.domain.i18n import N_
from bot.domain.summary import build, period_start
from bot.flows import summaries
from bot.flows.summaries import post_summary
from bot.runtime.menu import Where
from handlers.common import Feature, Turn

feature = Feature()


@feature.command("summary", Where.GROUP, menu=N_("Post the summary so far"), facilitator=True)
async def summary_command(turn: Turn) -> None:
    await turn.require_facilitator()
    group = turn.group
    # the period so far, this moment included: what was done as /summary was sent is in it
    until = turn.now + dt.timedelta(microseconds=1)
    async with turn.db.read() as conn:
        activity = await summaries.activity(conn, group, since=period_start(group), until=until)
    summary = build(activity)
    if summary is None:
        await turn.reply(turn.t._("Nothing new since {since}.", since=turn.t.when(activity.since, group.timezone)))
        return
    await post_summary(turn.context.bot, group, summary, turn.services.config.site_url)
