"""The bot speaks the group's language in groups and each member's own in private.

Polish, Urdu and Arabic end to end (a round in each language, plurals for 1 to 100 ideas),
``/language`` and the welcome message's language buttons, the command menus registered per
language and scope, and a new catalog picked up with no code change.
"""

from __future__ import annotations

import datetime as dt
import gettext
import re
import shutil

import pytest

from bot.demo.emulator.telegram import plain_text
from bot.domain import callbacks, i18n
from bot.domain.i18n import Translator
from bot.domain.rounds import fold
from bot.flows import rounds as round_flows
from bot.runtime import menu as commands
from bot.runtime.menu import Where
from storage import groups, members
from storage import rounds as stored_rounds

IDEA_COUNTS = (1, 2, 5, 11, 22, 100)

# What a reader of each language must see: letters only that script has, a word that is
# typical of it, and how the prompt's running count reads for 1, 2, 5, 11, 22 and 100 ideas.
SCRIPTS = {
    "pl": re.compile(r"[ąćęłńóśźż]"),
    "ur": re.compile(r"[ٹڈڑںھےۓ]"),  # letters Urdu adds to the Arabic script
    "ar": re.compile(r"[\u0621-\u064a]"),
}
TYPICAL_WORDS = {
    "pl": ("Runda", "pomysł", "głos"),
    "ur": ("راؤنڈ", "خیال", "ووٹ"),
    "ar": ("الجولة", "فكرة", "التصويت"),
}
NOT_IN_SCRIPT = {"ar": re.compile(r"[ٹڈڑںھےۓگچپ]")}  # Urdu/Persian letters are not Arabic
COUNTS = {
    "pl": ("1 pomysł ", "2 pomysły ", "5 pomysłów", "11 pomysłów", "22 pomysły ", "100 pomysłów"),
    "ur": ("1 خیال ", "2 خیالات", "5 خیالات", "11 خیالات", "22 خیالات", "100 خیالات"),
    "ar": ("فكرة واحدة", "فكرتان", "5 أفكار", "11 فكرة", "22 فكرة", "100 فكرة"),
}
ENGLISH_WORDS = re.compile(r"\b(the|round|ideas?|vote|votes|voting|close|closes|neighbours?|results)\b", re.I)


def _bot_words_since(harness, start: int, member_words: list[str]) -> list[str]:
    """What the bot wrote in the group after call ``start``, without members' words or links."""
    texts = []
    for method, params in harness.telegram.calls[start:]:
        text = params.get("text") or params.get("caption") or params.get("question")
        if method == "answerCallbackQuery" or not text:
            continue
        text = plain_text(text) if method != "sendPoll" else text
        for words in member_words:
            text = text.replace(words, "")
        texts.append(re.sub(r"https?://\S+|/\w+|#\d+|\d+", "", text))
    return texts


def _edits(harness) -> list[str]:
    return [plain_text(params["text"]) for params in harness.telegram.sent("editMessageText")]


def _welcome_id(harness) -> int:
    """The message id of the bot's hello (the one with language buttons)."""
    for (chat_id, message_id), message in harness.telegram.messages.items():
        if chat_id == harness.group.id and "reply_markup" in message:
            return message_id
    raise AssertionError("no welcome message with buttons")


async def _group_language(harness) -> str:
    async with harness.db.read() as conn:
        return (await groups.get_by_chat(conn, harness.group.id)).language


async def _choose_group_language(harness, language: str) -> None:
    await harness.add_bot()
    await harness.press(harness.facilitator, _welcome_id(harness), callbacks.encode("language", language))
    assert await _group_language(harness) == language


# ---------------------------------------------------------------- a round in each language


@pytest.mark.parametrize("language", ["pl", "ur", "ar"])
async def test_a_round_in_each_language_speaks_only_that_language(harness, language):
    await _choose_group_language(harness, language)
    start = len(harness.telegram.calls)
    question = "Q-question-text"
    await harness.send(harness.facilitator, f"/round 1d 1d {question}")
    async with harness.db.read() as conn:
        group = await groups.get_by_chat(conn, harness.group.id)
        round_ = (await stored_rounds.open_rounds(conn, group.id))[0]
    ideas = ["idea-one", "idea-two", "idea-three"]
    for resident, idea in zip(harness.residents, ideas, strict=False):
        await harness.send(resident, idea, reply_to=round_.prompt_message_id)
    await harness.send(harness.facilitator, "/vote")
    await harness.send(harness.facilitator, "/close now")
    texts = [text for text in _bot_words_since(harness, start, [question, *ideas]) if text.strip()]
    assert len(texts) >= 4, texts
    for text in texts:
        assert not ENGLISH_WORDS.search(text), f"English left in {language}: {text!r}"
        if language in ("ur", "ar"):
            assert not re.search(r"[A-Za-z]{3,}", text), f"Latin words in {language}: {text!r}"
        if language in NOT_IN_SCRIPT:
            assert not NOT_IN_SCRIPT[language].search(text), f"not {language}: {text!r}"
    everything = "\n".join(texts)
    assert len(SCRIPTS[language].findall(everything)) >= 10, f"not {language}: {everything!r}"
    assert all(word in everything for word in TYPICAL_WORDS[language]), everything


@pytest.mark.parametrize("language", ["pl", "ur", "ar"])
async def test_prompt_counts_ideas_with_the_right_plural(harness, language):
    await _choose_group_language(harness, language)
    await harness.send(harness.facilitator, "/round 3d What shall we do?")
    async with harness.db.transaction() as conn:
        group = await groups.get_by_chat(conn, harness.group.id)
        round_ = (await stored_rounds.open_rounds(conn, group.id))[0]
    added = 0
    for count, expected in zip(IDEA_COUNTS, COUNTS[language], strict=True):
        async with harness.db.transaction() as conn:
            while added < count:
                added += 1
                await stored_rounds.add_idea(
                    conn, round_id=round_.id, text=f"idea {added}", folded=fold(f"idea {added}"), author_id=None, anonymous=True,
                    now=harness.clock.now(),
                )  # fmt: skip
        await round_flows.refresh_prompt(harness.app, round_.id)
        prompt = _edits(harness)[-1]
        assert expected in prompt, (count, prompt)


def test_plural_forms_follow_each_language_rules():
    """Polish one/few/many, Arabic zero/one/two/few/many/other, Urdu one/other."""
    expected_forms = {
        "pl": {1: 0, 2: 1, 5: 2, 11: 2, 22: 1, 100: 2},
        "ar": {0: 0, 1: 1, 2: 2, 5: 3, 11: 4, 22: 4, 100: 5},
        "ur": {1: 0, 2: 1, 5: 1, 11: 1, 22: 1, 100: 1},
    }
    for language, forms in expected_forms.items():
        t = i18n.translator(language)
        plural = t._translations.plural  # type: ignore[attr-defined]
        assert {n: plural(n) for n in forms} == forms, language


# ---------------------------------------------------------------- formatting in the locale


def test_dates_follow_the_language_and_the_group_time_zone():
    moment = dt.datetime(2026, 12, 1, 18, 0, tzinfo=dt.UTC)
    assert i18n.translator("pl").when(moment, "Europe/Warsaw") == "wtorek, 1 grudnia o 19:00"
    assert i18n.translator("en").when(moment, "Europe/London") == "Tuesday 1 December at 18:00"
    assert "الثلاثاء، 1 ديسمبر" in i18n.translator("ar").when(moment, "Europe/London")
    assert "منگل، 1 دسمبر" in i18n.translator("ur").when(moment, "Europe/London")


def test_digits_are_the_ones_the_locale_prefers():
    # CLDR gives plain Arabic and Urdu Latin digits; locales that prefer their own get them.
    assert i18n.translator("ar").number(1234) == "1,234"
    assert Translator("ar_EG", gettext.NullTranslations()).number(1234) == "١٬٢٣٤"
    assert Translator("fa", gettext.NullTranslations()).duration(90) == "۱ ساعت ۳۰ دقیقه"


def test_durations_read_naturally_in_each_language():
    assert i18n.translator("en").duration(90) == "1 hour 30 minutes"
    assert i18n.translator("pl").duration(150) == "2 godziny 30 minut"
    assert i18n.translator("ar").duration(90) == "ساعة و30 دقيقة"
    assert i18n.translator("ur").duration(45) == "45 منٹ"


def test_lists_follow_the_language():
    people = ["Ben", "Chloe", "Dawid"]
    assert i18n.translator("pl").list_of(people) == "Ben, Chloe i Dawid"
    assert i18n.translator("ur").list_of(people) == "Ben، Chloe، اور Dawid"
    assert i18n.translator("ar").list_of(people) == "Ben وChloe وDawid"
    assert i18n.translator("en").list_of([]) == ""


def test_member_text_is_isolated_inside_right_to_left_sentences():
    t = i18n.translator("ar")
    assert t.rtl and t.user_text("@ben <3") == "\u2068@ben &lt;3\u2069"


async def test_refusals_isolate_what_the_member_wrote_but_not_commands_to_copy(harness):
    await harness.send(harness.facilitator, "/settings language ar")
    await harness.send(harness.facilitator, "/round 5x Where?")
    assert "\u20685x\u2069" in harness.last_text()  # stays in place inside the Arabic sentence
    await harness.send(harness.facilitator, "/settings floor")
    assert "/settings floor -10h" in harness.last_text()  # copied as it is, no invisible marks


# ---------------------------------------------------------------- /language and the buttons


@pytest.mark.parametrize(
    ("telegram_language", "hello"), [("pl-PL", "Trzy sposoby"), ("ur", "تین طریقے"), ("nl", "Three ways to start")]
)
async def test_private_chat_uses_the_members_telegram_language_when_there_is_a_catalog(
    harness, telegram_language, hello
):
    neighbour = harness.telegram.person(401, "Sam", language_code=telegram_language)
    await harness.send_private(neighbour, "/help")
    assert hello in harness.last_text(harness.telegram.private_chat(neighbour))


async def test_language_command_overrides_and_is_remembered(harness):
    farah = harness.residents[4]
    chat = harness.telegram.private_chat(farah)
    await harness.send_private(farah, "/language ar")
    assert "العربية" in harness.last_text(chat)
    await harness.send_private(farah, "/help")
    assert "ثلاث طرق للبدء" in harness.last_text(chat)
    async with harness.db.read() as conn:
        assert (await members.get(conn, farah.id)).language_override == "ar"


async def test_language_can_be_named_in_english_or_in_itself(harness):
    ben = harness.residents[0]
    await harness.send_private(ben, "/language Polski")
    await harness.send_private(ben, "/help")
    assert "Trzy sposoby" in harness.last_text(harness.telegram.private_chat(ben))
    await harness.send_private(ben, "/language urdu")
    await harness.send_private(ben, "/help")
    assert "شروع کرنے کے تین طریقے" in harness.last_text(harness.telegram.private_chat(ben))


async def test_language_without_a_code_lists_the_languages_with_buttons(harness):
    ben = harness.residents[0]
    await harness.send_private(ben, "/language")
    answer = harness.telegram.sent("sendMessage", harness.telegram.private_chat(ben).id)[-1]
    assert "/language pl" in answer["text"]
    keyboard = answer["reply_markup"]["inline_keyboard"]
    pressed = [button["callback_data"] for row in keyboard for button in row]
    assert pressed == [callbacks.encode("language", code) for code in i18n.available_languages()]


async def test_unknown_language_lists_the_choices_and_changes_nothing(harness):
    ben = harness.residents[0]
    await harness.send_private(ben, "/language klingon")
    answer = harness.last_text(harness.telegram.private_chat(ben))
    assert "klingon" in answer and "Polski (pl)" in answer and "العربية (ar)" in answer
    async with harness.db.read() as conn:
        assert (await members.get(conn, ben.id)).language_override is None


async def test_language_in_a_group_points_to_the_group_setting(harness):
    await harness.send(harness.residents[0], "/language pl")
    assert "/settings language" in harness.last_text()
    assert await _group_language(harness) == "en"


async def test_private_language_button_sets_the_members_language(harness):
    chloe = harness.residents[1]
    chat = harness.telegram.private_chat(chloe)
    await harness.send_private(chloe, "/language")
    message_id = max(message_id for chat_id, message_id in harness.telegram.messages if chat_id == chat.id)
    await harness.press(chloe, message_id, callbacks.encode("language", "ur"), chat=chat)
    async with harness.db.read() as conn:
        assert (await members.get(conn, chloe.id)).language_override == "ur"
    assert "اردو" in harness.telegram.sent("editMessageText")[-1]["text"]


async def test_facilitator_switches_the_group_language_with_a_welcome_button(harness):
    await _choose_group_language(harness, "pl")
    edited = harness.telegram.sent("editMessageText")[-1]
    assert "Trzy sposoby" in edited["text"] and edited["reply_markup"]
    assert "polski" in harness.telegram.sent("answerCallbackQuery")[-1]["text"]


async def test_non_facilitator_pressing_a_language_button_gets_a_toast_and_nothing_changes(harness):
    await harness.add_bot()
    await harness.press(harness.residents[0], _welcome_id(harness), callbacks.encode("language", "ar"))
    assert "only the group's facilitators" in harness.telegram.sent("answerCallbackQuery")[-1]["text"]
    assert await _group_language(harness) == "en"
    assert harness.telegram.sent("editMessageText") == []


async def test_a_forged_language_button_is_refused(harness):
    await harness.add_bot()
    await harness.press(harness.facilitator, _welcome_id(harness), callbacks.encode("language", "xx"))
    assert "not available" in harness.telegram.sent("answerCallbackQuery")[-1]["text"]
    assert await _group_language(harness) == "en"


# ---------------------------------------------------------------- command menus


async def test_command_menus_are_registered_per_language_and_scope(harness):
    calls = harness.telegram.sent("setMyCommands")
    seen = {(call.get("language_code"), call["scope"]["type"]) for call in calls}
    languages = [None if code == "en" else code for code in i18n.available_languages()]
    scopes = {"all_group_chats", "all_chat_administrators", "all_private_chats"}
    assert seen == {(language, scope) for language in languages for scope in scopes}
    assert len(calls) == len(seen)
    menu = {(call.get("language_code"), call["scope"]["type"]): call["commands"] for call in calls}
    described = {entry.command: entry.description for entry in commands.entries(harness.app)}
    for (language, _scope), listed in menu.items():
        t = i18n.translator(language or "en")
        assert all(item["description"] == t._(described[item["command"]]) for item in listed)
    members_menu = {item["command"] for item in menu[(None, "all_group_chats")]}
    admins_menu = {item["command"] for item in menu[(None, "all_chat_administrators")]}
    private_menu = {item["command"] for item in menu[(None, "all_private_chats")]}
    assert members_menu < admins_menu
    assert "language" in private_menu and "language" not in members_menu
    assert {"help"} <= members_menu & private_menu
    facilitator_only = {entry.command for entry in commands.entries(harness.app) if entry.facilitator}
    assert not members_menu & facilitator_only and not private_menu & facilitator_only


async def test_every_menu_lists_a_rounds_life_then_the_time_bank_then_settings_and_help(harness):
    """The menu's order is the order the handlers are declared in (``handlers.FEATURES``, then
    each module's own), the same in every language; moving a declaration shows here."""
    in_order = {
        "all_group_chats": [
            "idea", "ideas", "withdraw", "label", "propose", "reasons", "rounds", "log", "thank", "credits", "ledger",
            "need", "offer", "done", "board", "cancel", "privacy", "help",
        ],
        "all_chat_administrators": [
            "round", "edit", "extend", "idea", "ideas", "withdraw", "merge", "assist", "forget", "label", "propose", "vote",
            "close", "poll", "runoff", "statements", "consent", "amend", "reasons", "budget", "cost", "paper", "poster",
            "outcome", "review", "rounds", "log", "thank", "credits", "ledger", "reverse",
            "need", "offer", "done", "board", "cancel", "summary", "settings", "privacy", "export", "help",
        ],
        "all_private_chats": ["idea", "credits", "board", "privacy", "mydata", "forgetme", "notify", "language", "help"],
    }  # fmt: skip
    for call in harness.telegram.sent("setMyCommands"):
        listed = [item["command"] for item in call["commands"]]
        assert listed == in_order[call["scope"]["type"]], (call.get("language_code"), call["scope"]["type"])


def test_every_registered_command_is_described_in_the_menu(harness):
    registered = commands.registered_commands(harness.app)
    assert registered - commands.UNLISTED <= {entry.command for entry in commands.entries(harness.app)}


async def test_menu_lists_each_command_where_it_works(harness):
    """Sending a command where the menu does not offer it gets the "use it there" hint."""
    ben = harness.residents[0]
    private = harness.telegram.private_chat(ben)
    wrong = []
    for entry in commands.entries(harness.app):
        await harness.send_private(ben, f"/{entry.command}")
        if ("group chat" in harness.last_text(private)) != (Where.PRIVATE not in entry.places):
            wrong.append(f"/{entry.command} in private: {harness.last_text(private)!r}")
        await harness.send(ben, f"/{entry.command}")
        if ("in a private chat" in harness.last_text()) != (Where.GROUP not in entry.places):
            wrong.append(f"/{entry.command} in the group: {harness.last_text()!r}")
    assert not wrong, "\n".join(wrong)


# ---------------------------------------------------------------- adding a language


@pytest.fixture
def fresh_catalogs():
    """Forget the cached catalog list and translations before and after a test."""
    caches = (i18n.available_languages, i18n._translations, i18n._translator)
    for cache in caches:
        cache.cache_clear()
    yield
    for cache in caches:
        cache.cache_clear()


def test_a_new_catalog_is_a_new_language_without_code_changes(tmp_path, monkeypatch, fresh_catalogs):
    shutil.copytree(i18n.locales_dir(), tmp_path / "locales")
    shutil.copytree(tmp_path / "locales" / "pl", tmp_path / "locales" / "cs")  # stands in for Czech
    monkeypatch.setattr(i18n, "locales_dir", lambda: tmp_path / "locales")
    assert "cs" in i18n.available_languages()
    assert i18n.best_language("cs-CZ", "en") == "cs"
    assert i18n.translator("cs")._("Three ways to start:") == "Trzy sposoby, żeby zacząć:"
    assert i18n.language_name("cs") == "Čeština"
