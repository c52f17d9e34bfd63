"""``python -m bot demo`` plays a whole co-production story against the emulator."""

from __future__ import annotations

import asyncio
import io
import logging
import os

import pytest

from bot import cli
from bot.demo import run as demo
from bot.demo.script import IDEAS, PRIVATE_IDEA, STEPS
from bot.domain import i18n
from bot.runtime import logs


@pytest.fixture(scope="module")
def played(tmp_path_factory):
    """One fast run of the demo in English, shared by the checks below (it is the slow part).

    Logging is configured as ``python -m bot`` configures it, at INFO, into a buffer.
    """
    output = tmp_path_factory.mktemp("demo-output")
    stream, log = io.StringIO(), io.StringIO()
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    logs.configure("INFO", [demo.DEMO_TOKEN], log)
    try:
        scene = asyncio.run(
            demo.play(language="en", timezone="Europe/London", output=output, stream=stream, speed=0)
        )
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
    return scene, stream.getvalue(), log.getvalue(), output


def test_every_step_of_the_story_is_played(played):
    scene, _text, _records, _output = played
    assert scene.skipped == []
    assert scene.played == [step.key for step in STEPS]


def test_the_bot_made_no_call_real_telegram_would_refuse(played):
    scene, *_ = played
    assert scene.telegram.violations == []


def section(text: str, step_key: str) -> str:
    """The transcript of one step: from its heading to the next."""
    step = next(step for step in STEPS if step.key == step_key)
    start = text.index(f"== {step.title} ==")
    end = text.find("\n== ", start + 1)
    return text[start:end]


def test_the_bot_never_apologised_for_an_error(played):
    _scene, text, logged, _output = played
    assert "something went wrong" not in text
    assert "level=ERROR" not in logged


def test_transcript_shows_the_welcome(played):
    part = section(played[1], "welcome")
    assert "Fatima adds the bot to the group" in part
    assert "Bot: Hello, neighbours!" in part


def test_transcript_shows_a_facilitator_opening_a_round(played):
    part = section(played[1], "round")
    assert "Fatima: /round 2d 1d" in part and "Round #1" in part


def test_transcript_shows_an_edit_and_an_extended_deadline(played):
    part = section(played[1], "correct")
    assert "Fatima: /edit 1 What should we do with the empty lot behind the library?" in part
    assert "Round #1 now asks: ⁨What should we do with the empty lot behind the library?⁩" in part
    assert "Its ideas stay as they are." in part
    assert "Fatima: /extend 1 12h" in part
    assert "Round #1: ideas now close Wednesday 4 November at 22:00 (in 2 days)." in part


def test_transcript_shows_ideas_from_neighbours_in_their_languages(played):
    part = section(played[1], "ideas")
    for name, text in IDEAS:
        assert text in part
    assert part.count("Bot reacts 👍") == len(IDEAS)
    assert "4 ideas so far" in part


def test_transcript_shows_an_idea_sent_privately_and_anonymously(played):
    scene, text, *_ = played
    part = section(text, "private_idea")
    urdu = i18n.translator("ur")
    assert "private chat between Ayesha and the bot" in part
    assert f"Ayesha presses [{urdu._('Anonymously')}]" in part
    assert urdu._("It will be shown anonymously.") in part
    listed = section(text, "duplicate")
    assert f"{PRIVATE_IDEA}⁩ — anonymous" in listed


def test_transcript_shows_a_duplicate_flagged_and_merged(played):
    part = section(played[1], "duplicate")
    assert "Idea 6 looks the same as idea 1" in part
    assert "Fatima: /merge 1 6" in part and "Idea 6 is folded into idea 1" in part


def test_transcript_shows_an_idea_entered_for_a_neighbour_not_on_telegram(played):
    part = section(played[1], "assisted")
    assert "Fatima: /assist 1 Mr Okafor: A shaded bench for older neighbours" in part
    assert "Bot reacts 👍 to Fatima's message" in part
    results = section(played[1], "results")
    assert "⁨A shaded bench for older neighbours⁩ — ⁨Mr Okafor⁩ (via ⁨Fatima⁩)" in results


def test_transcript_shows_a_voice_idea_given_words(played):
    part = section(played[1], "voice")
    assert "Tiago, replying to the bot: 🎤 a voice message (14 s)" in part
    assert "Bot reacts 👍 to Tiago's message" in part
    assert "Fatima, replying to Tiago: /label A mural painted by the neighbourhood's children" in part
    assert "Voice idea 8 of round #1 goes to the vote as" in part
    assert "A mural painted by the neighbourhood's children" in section(played[1], "voting")


def test_transcript_shows_a_proposal_gathering_support(played):
    part = section(played[1], "proposal")
    assert "Lucía: /propose" in part
    assert "Omar presses [Support]" in part and "Dawid presses [Support]" in part
    assert "it is now round #2" in part and "Round #2" in part


def test_transcript_shows_voting_opening_at_the_deadline(played):
    part = section(played[1], "voting")
    assert "⏩" in part and "Voting is open for round #1" in part
    assert "Bot posts a poll" in part
    assert part.count("ticks in the poll") == 7


def test_transcript_shows_results_with_a_chart_saved_to_the_output_folder(played):
    scene, text, _logs, output = played
    part = section(text, "results")
    assert "Results of round #1" in part and "12 neighbours voted. (7 online, 5 on paper)" in part
    assert "Bot sends an image (saved to" in part
    charts = list(output.glob("*.png"))
    assert len(charts) == sum(1 for sent in scene.telegram.files if sent.method == "sendPhoto")
    assert charts and all(path.read_bytes().startswith(b"\x89PNG") for path in charts)
    assert f"(saved to {os.path.relpath(output / 'image-1.png')})" in part


def test_transcript_shows_a_paper_tally_counted_with_the_online_votes(played):
    part = section(played[1], "paper")
    assert "Fatima: /paper 1 1=3 2=1 7=4 voters=5" in part
    assert "Paper ballots of round #1: 5 voters." in part
    results = section(played[1], "results")
    assert "6 votes, 50% (3 online, 43%; 3 on paper, 60%)" in results


def test_transcript_shows_the_outcome_recorded(played):
    part = section(played[1], "outcome")
    assert "Fatima: /outcome 1" in part and "You said, we did" in part


def test_transcript_shows_a_proposal_decided_by_consent_with_a_reason(played):
    part = section(played[1], "consent")
    assert "Fatima: /consent 1d" in part and "[Agree] [Abstain] [Object] [Block]" in part
    assert "Dawid presses [Object]" in part and "Dlaczego? Napisz tu uzasadnienie" in part  # in his Polish
    assert "Passed: Agree 3 · Abstain 1 · Object 1 · Block 0. 5 neighbours took part." in part
    assert "• \u2068Dawid\u2069 (object): \u2068Najpierw" in part


def test_transcript_shows_a_small_budget_chosen_within_its_money(played):
    part = section(played[1], "budget")
    assert "Fatima: /budget 600 GBP 3h 3h" in part and "Idea 1 of round #4 costs £250." in part
    assert "[Choose projects privately]" in part and "Chosen: £450 of £600 (2 projects)." in part
    assert "Paper ballots of budget round #4: 3 voters." in part
    assert "2 projects funded: £500 of £600 spent, £100 left." in part
    assert "Bot sends an image" in part


def test_transcript_shows_two_neighbours_logging_and_confirming_time(played):
    part = section(played[1], "time_bank")
    assert "Ben: /log 2h" in part and "Dawid: /log 1h30m" in part
    assert "Dawid presses [Confirm]" in part and "Ben presses [Confirm]" in part
    assert part.count("Confirmed by") == 2


def test_transcript_shows_one_neighbour_thanking_another(played):
    part = section(played[1], "thanks")
    assert "Omar, replying to Ben: /thank 1h" in part
    assert "thanked" in part


def test_transcript_shows_a_need_met_through_the_time_bank(played):
    part = section(played[1], "need")
    assert "Ayesha: /need 1h help carrying a wardrobe up to the third floor" in part
    assert "Ben presses [I can help]" in part and "Ben⁩ will help ⁨Ayesha" in part
    assert "Ben: /done 1" in part
    assert "Ayesha presses [Confirm]" in part and "Ayesha⁩ confirmed 1 hour for ⁨Ben⁩" in part
    assert "Need #1 met: ⁨help carrying a wardrobe up to the third floor⁩ (1 hour)" in section(played[1], "summary")


def test_transcript_shows_a_summary_posted(played):
    part = section(played[1], "summary")
    assert "⏩" in part and "What happened since" in part
    assert "3 hours 30 minutes of volunteering confirmed, by 2 neighbours" in part


def test_a_step_this_build_cannot_play_is_listed_as_not_shown_not_faked(monkeypatch, tmp_path):
    without_summaries = demo.Scene.commands
    monkeypatch.setattr(demo.Scene, "commands", lambda scene: without_summaries(scene) - {"summary"})
    stream = io.StringIO()
    scene = asyncio.run(
        demo.play(language="en", timezone="Europe/London", output=tmp_path, stream=stream, speed=0)
    )
    text = stream.getvalue()
    assert scene.skipped == ["summary"]
    assert "What happened since" not in text
    assert "Not shown, because this version cannot do it yet:\n• A summary of the week is posted" in text


def test_transcript_ends_with_what_you_saw_and_how_to_run_it_for_real(played):
    _scene, text, *_ = played
    tail = text[text.index("What you just saw") :]
    assert "Run it for real" in tail and "TELEGRAM_BOT_TOKEN" in tail and "docker compose" in tail
    assert "Not shown" not in text


def test_no_personal_message_text_and_no_token_in_logs_at_info(played):
    scene, _text, logged, _output = played
    assert "event=membership" in logged
    assert demo.DEMO_TOKEN not in logged
    for (_chat, _id), message in scene.telegram.messages.items():
        if message["from"]["id"] != scene.telegram.bot.id and message.get("text", "").strip():
            if not message["text"].startswith("/"):
                assert message["text"] not in logged


def test_demo_command_plays_in_another_language(capsys, tmp_path):
    status = cli.main(["demo", "--language", "pl", "--speed", "0", "--output", str(tmp_path)])
    out = capsys.readouterr().out
    assert status == 0
    polish = i18n.translator("pl")
    assert polish._("Hello, neighbours! I help this group plan and decide things together.") in out
    assert polish._("What you just saw") in out
    assert "Hello, neighbours!" not in out
    assert "TELEGRAM_BOT_TOKEN" in out


def test_demo_refuses_a_negative_speed(capsys, tmp_path):
    status = cli.main(["demo", "--speed", "-1", "--output", str(tmp_path)])
    assert status == cli.EXIT_CONFIG
    assert "--speed" in capsys.readouterr().err


def test_transcript_shows_an_outcome_from_planned_to_done_with_a_private_notice(played):
    part = section(played[1], "outcome")
    assert "Fatima: /outcome 1 planned" in part and "Fatima: /outcome 1 done:" in part
    assert "Status: planned" in part and "Status: done" in part
    private = part[part.index("-- private chat between Dawid and the bot --\n   Bot: Z grupy"):]
    assert "Stan: zrobione" in private
    assert "neighbours who took part in round #1 were told privately." in part
