"""``/settings``: a group's settings shown with buttons, or changed with ``/settings NAME VALUE``.

Anyone may look; only facilitators change anything, by command or button. Every value is
checked by :mod:`bot.domain.settings` before one transaction stores it, so a bad value changes
nothing. A new summary schedule or time zone moves the group's next summary at once.
"""

from __future__ import annotations

import datetime as dt

from babel import dates as babel_dates
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain import callbacks, i18n
from bot.domain import settings as rules
from bot.domain.decisions.consent import Quorum
from bot.domain.errors import DomainError
from bot.domain.i18n import N_, Translator
from bot.domain.records import Group
from bot.domain.settings import SummarySchedule
from bot.flows import site, summaries
from bot.flows.decision_words import rule_words
from bot.runtime.menu import Where
from handlers.common import Feature, Turn
from storage import groups

feature = Feature()

RESCHEDULES = {"summary_schedule", "timezone"}
DEFAULT_SUMMARY_TIME = dt.time(9, 0)  # a summary button pressed while summaries are off


def schedule_text(t: Translator, schedule_text: str) -> str:
    schedule = SummarySchedule.parse(schedule_text)
    if schedule.every == "off" or schedule.time is None:
        return t._("off")
    time = babel_dates.format_time(schedule.time, "HH:mm", locale=t.locale)
    if schedule.every == "daily":
        return t._("daily at {time}", time=time)
    day = babel_dates.get_day_names("wide", locale=t.locale)[schedule.weekday or 0]
    return t._("every {day} at {time}", day=day, time=time)


def settings_text(t: Translator, group: Group) -> str:
    on_off = t._("on") if group.anonymous_votes else t._("off")
    return "\n".join(
        (
            t._("<b>Settings of this group</b>"),
            t._("Language (language): {value}", value=t.language_name(group.language)),
            t._("Time zone (timezone): {value}", value=group.timezone),
            t._("Summary (summary): {value}", value=schedule_text(t, group.summary_schedule)),
            t._("Ideas stage (ideas): {value}", value=t.length(group.ideas_minutes)),
            t._("Voting stage (vote): {value}", value=t.length(group.vote_minutes)),
            t._("Anonymous votes (anonymous): {value}", value=on_off),
            t._("Supporters a proposal needs (support): {value}", value=t.number(group.support_threshold)),
            t._("Lowest balance (floor): {value}", value=t.duration(group.floor_minutes)),
            t._("Ideas per member in a round (cap): {value}", value=t.number(group.idea_cap)),
            t._("Public page (public): {value}", value=t._("on") if group.public_page else t._("off")),
            t._("Quorum of a consent proposal (quorum): {value}", value=_quorum_text(t, group)),
            t._("Budget winners chosen by (rule): {value}", value=rule_words(t, group.budget_rule)),
            t._("Least a budget ballot spends (spend): {value}", value=t.percent(group.budget_min_spend / 100)),
            t._("Projects on a budget ballot (projects): {value}", value=_projects_text(t, group)),
            "",
            t._("Facilitators can change one with /settings NAME VALUE, for example /settings timezone Europe/Warsaw or /settings summary daily 18:00."),
        )
    )


def _quorum_text(t: Translator, group: Group) -> str:
    quorum = Quorum.parse(group.quorum)
    if quorum.percent:
        return t._("{share} of the neighbours seen in the last 60 days", share=t.percent(quorum.percent / 100))
    if quorum.members:
        return t.ngettext("{count} neighbour", "{count} neighbours", quorum.members)
    return t._("off")


def _projects_text(t: Translator, group: Group) -> str:
    if group.budget_max_projects is None:
        return t._("at least {least}", least=t.number(group.budget_min_projects))
    return t._("{least} to {most}", least=t.number(group.budget_min_projects), most=t.number(group.budget_max_projects))


def settings_keyboard(t: Translator, group: Group) -> InlineKeyboardMarkup:
    """Quick changes; anything else is typed as /settings NAME VALUE."""

    def choice(label: str, name: str, value: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(label, callback_data=callbacks.encode(callbacks.Action.SETTING, name, value))

    languages = [
        choice(("✓ " if code == group.language else "") + i18n.language_name(code), "language", code)
        for code in i18n.available_languages()
    ]
    summaries = [
        choice(t._("Summary: off"), "summary", "off"),
        choice(t._("Summary: daily"), "summary", "daily"),
        choice(t._("Summary: weekly"), "summary", "weekly"),
    ]
    votes = [
        choice(t._("Anonymous votes: off") if group.anonymous_votes else t._("Anonymous votes: on"),
               "anonymous", "off" if group.anonymous_votes else "on"),
    ]  # fmt: skip
    support = [
        choice(t._("Support needed − 1"), "support", str(max(group.support_threshold - 1, 1))),
        choice(t._("Support needed + 1"), "support", str(group.support_threshold + 1)),
    ]
    return InlineKeyboardMarkup([languages, summaries, votes, support])


def _button_value(group: Group, name: str, value: str) -> str:
    """A summary button keeps the group's time (and day): "daily" becomes "daily 09:00"."""
    if name != "summary" or value == "off":
        return value
    current = SummarySchedule.parse(group.summary_schedule)
    return SummarySchedule(value, current.weekday or 0, current.time or DEFAULT_SUMMARY_TIME).text


async def _follow_page(turn: Turn, before: Group, after: Group) -> str | None:
    """Build, rebuild or remove the public page after a change; its address when turned on."""
    app = turn.context.application
    if after.public_page and not before.public_page:
        return await site.turn_on(app, after.id)
    if before.public_page and not after.public_page:
        await site.turn_off(app, after.site_token)
    elif after.public_page and after != before:
        await site.refresh(app, after.id)
    return None


def changed_text(t: Translator, name: str, group: Group) -> str:
    """One line saying what the setting ``name`` is now ("Ideas now stay open 3 days")."""
    if name == "language":
        return t._("The group's language is now {language}.", language=t.language_name(group.language))
    if name == "timezone":
        return t._("The group's time zone is now {zone}.", zone=group.timezone)
    if name == "summary":
        if SummarySchedule.parse(group.summary_schedule).every == "off":
            return t._("Summaries are now off.")
        return t._("Summaries now come {schedule}.", schedule=schedule_text(t, group.summary_schedule))
    if name == "ideas":
        return t._("Ideas now stay open {length}.", length=t.length(group.ideas_minutes))
    if name == "vote":
        return t._("Voting now stays open {length}.", length=t.length(group.vote_minutes))
    if name == "anonymous":
        return t._("Votes are now anonymous.") if group.anonymous_votes else t._("Votes now show who voted.")
    if name == "support":
        return t.ngettext("A proposal now needs {count} supporter.", "A proposal now needs {count} supporters.",
                          group.support_threshold)  # fmt: skip
    if name == "floor":
        return t._("The lowest balance anyone may reach is now {floor}.", floor=t.duration(group.floor_minutes))
    if name == "cap":
        return t.ngettext("Each member may now put {count} idea into a round.",
                          "Each member may now put {count} ideas into a round.", group.idea_cap)  # fmt: skip
    if name == "quorum":
        quorum = Quorum.parse(group.quorum)
        if not (quorum.percent or quorum.members):
            return t._("Consent proposals now need no quorum.")
        return t._("A consent proposal's quorum is now {quorum}.", quorum=_quorum_text(t, group))
    if name == "rule":
        return t._("Budget winners are now chosen by {rule}.", rule=rule_words(t, group.budget_rule))
    if name == "spend":
        return t._("A budget ballot must now spend at least {share} of the budget.",
                   share=t.percent(group.budget_min_spend / 100))  # fmt: skip
    if name == "projects":
        return t._("Projects on a budget ballot are now: {projects}.", projects=_projects_text(t, group))
    return t._("The public page is on.") if group.public_page else t._("The public page is off and its files are removed.")


async def _apply(turn: Turn, group: Group, name: str, value: str) -> Group:
    """Check, then store the setting and, if the summary's time changed, the next summary
    (the first one from now) in one transaction. Switching summaries off leaves the old
    job in place: it finds its row done and does nothing."""
    values = rules.parse(name, value, turn.reader())
    async with turn.db.transaction() as conn:
        await groups.update_settings(conn, group.id, **values)
        updated = await groups.get(conn, group.id)
        if RESCHEDULES & values.keys():
            await summaries.plan_summary(turn.context.application, conn, updated, after=turn.now)
    return updated


@feature.command("settings", Where.GROUP, menu=N_("See or change the group's settings"), facilitator=True)
async def settings_command(turn: Turn) -> None:
    group = turn.group
    if not turn.args:
        await turn.reply(settings_text(turn.t, group), reply_markup=settings_keyboard(turn.t, group))
        return
    await turn.require_facilitator()
    name, value = turn.args[0], " ".join(turn.args[1:])
    updated = await _apply(turn, group, name, value)
    page = await _follow_page(turn, group, updated)
    t = i18n.translator(updated.language)
    if page:
        await turn.reply(t._("The public page is on. The bot keeps it at {address}; its folder's name is secret, so share the address only where you want it read.", address=page))
        return
    await turn.reply(changed_text(t, name.lower(), updated))


@feature.button(callbacks.Action.SETTING)
async def setting_pressed(turn: Turn) -> None:
    query = turn.update.callback_query
    pressed = turn.pressed
    if turn.group is None or len(pressed.args) != 2:
        raise DomainError(N_("That button is out of date. Send /settings to see the settings again."))
    await turn.require_facilitator()
    name, value = pressed.args
    updated = await _apply(turn, turn.group, name, _button_value(turn.group, name, value))
    await _follow_page(turn, turn.group, updated)
    t = i18n.translator(updated.language)
    await query.answer(changed_text(t, name, updated))
    if updated != turn.group:
        await query.edit_message_text(settings_text(t, updated), reply_markup=settings_keyboard(t, updated))
