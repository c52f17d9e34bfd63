"""Ideas and counts as every ballot and result says them, in the reader's language."""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.i18n import Translator
from bot.domain.inclusion import credit, idea_words, message_link
from bot.domain.rounds import Idea
from storage import Connection, members


async def idea_lines(
    conn: Connection, t: Translator, ideas: Sequence[Idea], *, links_in: int | None = None
) -> dict[int, str]:
    """Each idea as the ballot and the results show it (HTML): its words ("Voice idea N by
    NAME" for a voice idea without words), for an assisted idea the neighbour it came from,
    "NAME (via FACILITATOR)", and with ``links_in`` (a supergroup's chat id) a link to
    each voice idea's message."""
    authors = await members.names(conn, {idea.author_id for idea in ideas if idea.author_id})
    lines = {}
    for idea in ideas:
        line = idea_words(t, idea, authors, t.user_text)
        if idea.assisted:
            line += " — " + credit(t, idea, authors, t.user_text)
        link = message_link(links_in, idea.source_message_id) if idea.voice and links_in and idea.source_message_id else None
        if link:
            line += f' (<a href="{link}">' + t._("listen") + "</a>)"
        lines[idea.id] = line
    return lines


def paper_split(t: Translator, online: int, on_paper: int) -> str:
    """"(12 online, 15 on paper)": how a count divides between the polls and paper ballots."""
    return t._("({online} online, {paper} on paper)", online=t.number(online), paper=t.number(on_paper))
