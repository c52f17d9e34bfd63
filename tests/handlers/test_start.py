"""A plain /start in a private chat answers with a short help in the member's language;
/start with the idea link under a round still opens the private idea."""

from __future__ import annotations

from bot.domain import i18n
from bot.runtime import menu
from tests.support.credit_helpers import plain
from tests.support.ideas_helpers import open_round


async def test_plain_start_says_what_the_bot_does_and_names_the_shared_groups(harness):
    ben = harness.residents[0]
    await harness.send(ben, "/help")  # Ben takes part in the group
    await harness.send_private(ben, "/start")
    (answer,) = harness.telegram.texts(ben.id)
    text = plain(answer)
    assert "I help neighbourhood groups decide things together" in text
    assert "Groups we share: Chapel Street neighbours." in text
    assert "press the link under a round's question" in text


async def test_plain_start_answers_in_the_members_language_without_a_shared_group(harness):
    ania = harness.telegram.person(301, "Ania", language_code="pl")
    await harness.send(ania, "/start", chat=harness.telegram.private_chat(ania))
    text = harness.last_text(harness.telegram.private_chat(ania))
    t = i18n.translator("pl")
    assert t._("We don't share a group yet: add me to your neighbourhood group, or ask its facilitator to.") in text
    assert "Nie mamy jeszcze wspólnej grupy" in text


async def test_start_with_the_idea_link_still_opens_a_private_idea_and_not_the_help(harness):
    round_ = await open_round(harness)
    ben = harness.residents[0]
    await harness.send_private(ben, f"/start idea-{round_.link_token}")
    (answer,) = harness.telegram.texts(ben.id)
    assert "Your idea for round #1" in plain(answer)


def test_start_answers_but_is_not_in_the_command_menu(harness):
    assert "start" in menu.registered_commands(harness.app)
    assert "start" not in {entry.command for entry in menu.entries(harness.app)}
