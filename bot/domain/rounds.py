"""Co-production rounds: the stages a question moves through and the rules for its ideas.

Pure domain, no Telegram and no SQL: the records, the limits, and which stage change is
allowed from where. Storage applies a change only if the stage is still the one these
rules saw (compare-and-set), so two facilitators pressing /close at once close it once.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import secrets
import unicodedata
from dataclasses import dataclass

from bot.domain import durations, when
from bot.domain.decisions import Method
from bot.domain.errors import DomainError, within_limit
from bot.domain.i18n import N_
from bot.domain.member_text import without_direction_controls
from bot.domain.when import Reader, When

MAX_QUESTION_LENGTH = 300
MAX_IDEA_LENGTH = 1000
MAX_STATEMENT_LENGTH = 140  # a statements round's ideas: one short sentence to agree or disagree with
# Ideas one member may have in one round (withdrawn ones free their place), so nobody can
# fill a ballot alone: a group setting, ``/settings cap N``. A quick poll's options are
# the facilitator's, not ideas a member put forward, and do not count.
DEFAULT_IDEA_CAP = 10
MAX_IDEA_CAP = 100
IDEA_CAP_REACHED = N_(
    "You have reached this group's limit of ideas per member in round #{round} ({cap}). "
    "Nothing was added; /withdraw one of yours to make room for another."
)


class Stage(enum.StrEnum):
    IDEAS = "ideas"
    VOTING = "voting"
    CLOSED = "closed"
    CANCELLED = "cancelled"  # closed without results (/cancel N reason)

    @property
    def open(self) -> bool:
        return self in (Stage.IDEAS, Stage.VOTING)


class Kind(enum.StrEnum):
    """Whether a round collects ideas before its vote (how its decision method opens)."""

    ROUND = "round"  # collects ideas, then votes on them
    POLL = "poll"  # fixed options, straight to voting

    def first_stage(self, method: Method = Method.APPROVAL) -> Stage:
        """Ideas first, unless the options are fixed (a poll) or ideas come in while members
        vote (a statements round)."""
        return Stage.IDEAS if self is Kind.ROUND and not method.adds_while_voting else Stage.VOTING


class IdeaStatus(enum.StrEnum):
    STANDING = "standing"
    WITHDRAWN = "withdrawn"
    MERGED = "merged"


@dataclass(frozen=True, slots=True)
class Round:
    id: int
    group_id: int
    number: int
    kind: Kind
    question: str
    stage: Stage
    created_by: int | None
    created_at: dt.datetime
    ideas_ends_at: dt.datetime | None
    voting_minutes: int
    voting_started_at: dt.datetime | None
    voting_ends_at: dt.datetime | None
    closed_at: dt.datetime | None
    voter_count: int | None
    prompt_message_id: int | None
    voting_message_id: int | None
    link_token: str | None = None  # the private-idea link's key: unguessable, unlike the id
    paper_voters: int = 0  # the part of voter_count that voted on paper
    method: Method = Method.APPROVAL
    cancel_reason: str | None = None
    voting_until: dt.datetime | None = None  # voting given as a moment, until voting opens

    @property
    def collecting_stage(self) -> Stage:
        """The stage in which the round takes ideas: its ideas stage, or its only stage when
        statements come in while members vote."""
        return Stage.VOTING if self.method.adds_while_voting else Stage.IDEAS

    @property
    def deadline(self) -> dt.datetime | None:
        """When the current stage ends, if it is still open."""
        if self.stage is Stage.IDEAS:
            return self.ideas_ends_at
        if self.stage is Stage.VOTING:
            return self.voting_ends_at
        return None


@dataclass(frozen=True, slots=True)
class Idea:
    id: int
    round_id: int
    number: int
    author_id: int | None
    anonymous: bool
    text: str
    status: IdeaStatus
    merged_into: int | None
    created_at: dt.datetime
    assisted_name: str | None = None  # entered by a facilitator (author_id) for this neighbour; "" once forgotten
    voice: bool = False  # a voice message, video note or audio; ``text`` is its label, "" until given
    source_message_id: int | None = None
    assisted_agreed: bool = False  # the neighbour agreed to be named in public (the page, summaries)

    @property
    def assisted(self) -> bool:
        """Entered by a facilitator for a neighbour who is not in the chat."""
        return self.assisted_name is not None

    @property
    def needs_words(self) -> bool:
        """A voice idea nobody has labelled yet."""
        return self.voice and not self.text


def new_link_token() -> str:
    """A round's private-idea link key: 128 random bits, in the characters Telegram allows
    in a ``/start`` argument, so no one can reach a round by counting."""
    return secrets.token_urlsafe(16)


def check_question(text: str) -> str:
    return within_limit(
        without_direction_controls(text).strip(),
        MAX_QUESTION_LENGTH,
        empty=N_("Please write the question after the command, e.g. /round 3d What should we do with the empty lot?"),
        too_long=N_("That question is {length} characters long; please keep it within {limit}."),
    )


def check_idea(text: str | None, method: Method = Method.APPROVAL) -> str:
    """An idea's words, or a statement's in a statements round (shorter, one sentence)."""
    text = without_direction_controls(text or "").strip()
    if method is Method.STATEMENTS:
        return within_limit(
            text, MAX_STATEMENT_LENGTH,
            empty=N_("That statement is empty. Please write it as text."),
            too_long=N_("That statement is {length} characters long; please keep it within {limit} characters, "
                        "one sentence neighbours can agree or disagree with."),
        )  # fmt: skip
    return within_limit(
        text,
        MAX_IDEA_LENGTH,
        empty=N_("That idea is empty. Please write your idea as text."),
        too_long=N_("That idea is {length} characters long; please keep it within {limit} characters."),
    )


_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def fold(text: str) -> str:
    """The text with case, accents of compatibility forms, punctuation and spacing folded.

    Two ideas with the same folded text are near-duplicates ("Fix the bench!" and
    "fix the  bench").
    """
    normal = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_NOT_WORD.sub(" ", normal).split())


def require_stage(round_: Round, stage: Stage) -> None:
    """Refuse an action that needs ``round_`` to be in ``stage``, saying where it is."""
    if round_.stage is stage:
        return
    if round_.stage is Stage.CANCELLED:
        raise DomainError(N_("Round #{number} was cancelled."), number=round_.number)
    messages = {
        Stage.IDEAS: N_("Round #{number} is not collecting ideas any more."),
        Stage.VOTING: N_("Round #{number} is not voting at the moment."),
        Stage.CLOSED: N_("Round #{number} is not closed yet."),
    }
    raise DomainError(messages[stage], number=round_.number)


def require_collecting(round_: Round) -> None:
    """Refuse an idea (a statement) for a round that no longer takes them."""
    if round_.stage is round_.collecting_stage:
        return
    if round_.method.adds_while_voting:
        raise DomainError(N_("Round #{number} is closed: it takes no more statements."), number=round_.number)
    require_stage(round_, Stage.IDEAS)


def voting_deadline(now: dt.datetime, voting_minutes: int, until: dt.datetime | None = None) -> dt.datetime:
    """When voting that opens ``now`` ends: at the moment the round was given for it, if that
    is still at least a minute away, else after the round's voting length."""
    if until is not None and until - now >= durations.STAGE_MIN:
        return until
    return now + dt.timedelta(minutes=voting_minutes)


TOO_SOON = N_("That is too soon ({when}): a stage lasts at least a minute.")
TOO_LATE = N_("That is too far ahead ({when}): a stage lasts at most 8 weeks.")
VOTE_TOO_SOON = N_(
    "Voting would end {when}, before the ideas stage does. Give a later moment, or a length such as 2d."
)


@dataclass(frozen=True, slots=True)
class StagePlan:
    """When a new round's stages end, from ``/round [IDEAS] [VOTE] question``."""

    ideas_ends_at: dt.datetime
    voting_minutes: int | None  # None: the group's default
    voting_until: dt.datetime | None = None  # voting given as a moment ("Saturday 18:00")


def read_stages(reader: Reader, text: str, limit: int = 2) -> tuple[list[When], str]:
    """The leading lengths or moments of ``/round [IDEAS] [VOTE] question`` and the question
    after them. A leading word that looks like a time but is none (``5x``, ``tomorow``) is
    refused rather than asked as the question."""
    return reader.leading(text, limit=limit, refusal=when.STAGE_EXAMPLES)


def stage_end(stage: When, text: str, *, start: dt.datetime) -> dt.datetime:
    """When a stage from ``start`` given as ``stage`` ends, within a stage's limits."""
    if isinstance(stage, when.Length):
        return start + durations.check_stage(stage.length)
    return when.within(stage, text, start=start, shortest=durations.STAGE_MIN, longest=durations.STAGE_MAX,
                       too_short=TOO_SOON, too_long=TOO_LATE)  # fmt: skip


def plan_stages(stages: list[When], text: str, *, now: dt.datetime, ideas_minutes: int) -> StagePlan:
    """Both stages' ends: ideas from now (the group's ``ideas_minutes`` by default), voting as
    a length counted when it opens, or as a moment after the ideas close."""
    ideas_ends_at = (stage_end(stages[0], text, start=now) if stages
                     else now + dt.timedelta(minutes=ideas_minutes))  # fmt: skip
    if len(stages) < 2:
        return StagePlan(ideas_ends_at, None)
    vote = stages[1]
    if isinstance(vote, when.Length):
        return StagePlan(ideas_ends_at, durations.whole_minutes(durations.check_stage(vote.length)))
    until = when.within(vote, text, start=ideas_ends_at, shortest=durations.STAGE_MIN,
                        longest=durations.STAGE_MAX, too_short=VOTE_TOO_SOON, too_long=TOO_LATE)  # fmt: skip
    return StagePlan(ideas_ends_at, durations.whole_minutes(until - ideas_ends_at), until)


def near_duplicates(ideas: list[Idea]) -> list[tuple[Idea, Idea]]:
    """Pairs ``(earlier, later)`` of standing ideas with the same folded text, for /merge."""
    first_seen: dict[str, Idea] = {}
    pairs = []
    for idea in sorted(ideas, key=lambda idea: idea.number):
        if idea.status is not IdeaStatus.STANDING or idea.needs_words:
            continue
        key = fold(idea.text)
        if key in first_seen:
            pairs.append((first_seen[key], idea))
        else:
            first_seen[key] = idea
    return pairs


@dataclass(frozen=True, slots=True)
class IdeaDraft:
    """An idea on its way in: sent privately and waiting for its round or the name choice,
    or sent with /idea in a group with several open rounds and waiting for the author to pick.
    """

    id: int
    author_id: int
    chat_id: int
    message_id: int | None
    round_id: int | None
    text: str | None


# ------------------------------------------------------------------ undo and correct

MAX_REASON_LENGTH = 300


class ChangeKind(enum.StrEnum):
    QUESTION = "question"  # /edit N question
    DEADLINE = "deadline"  # /extend N WHEN
    CANCELLED = "cancelled"  # /cancel N reason


@dataclass(frozen=True, slots=True)
class RoundChange:
    """One correction of a round, kept for good: the words or the deadline it ``was`` and
    ``became`` (ISO text for a deadline), or the stage it was in and the reason of a cancellation."""

    round_id: int
    kind: ChangeKind
    was: str | None
    became: str | None
    changed_by: int | None
    changed_at: dt.datetime


def require_editable(round_: Round) -> None:
    """A question can change while ideas come in; once voting opened, someone may have voted on it."""
    if round_.stage is Stage.IDEAS:
        return
    if round_.stage is Stage.VOTING:
        raise DomainError(
            N_("Round #{number} is already voting, so its question stays as neighbours saw it. "
               "To ask something else, /cancel {number} with a reason and open a new round."),
            number=round_.number,
        )  # fmt: skip
    require_open(round_)


def require_open(round_: Round) -> None:
    """Refuse changing a round that has its results or was cancelled, saying which."""
    if round_.stage is Stage.CLOSED:
        raise DomainError(
            N_("Round #{number} already has its results, so it can't be changed. "
               "Record what happened with /outcome {number}."),
            number=round_.number,
        )  # fmt: skip
    if round_.stage is Stage.CANCELLED:
        raise DomainError(N_("Round #{number} was cancelled."), number=round_.number)


def check_reason(text: str, number: int) -> str:
    return within_limit(
        " ".join(without_direction_controls(text).split()),
        MAX_REASON_LENGTH,
        empty=N_("Please say why round #{number} is cancelled, for example: /cancel {number} the council decided already"),
        too_long=N_("That reason is {length} characters long; please keep it within {limit}."),
        number=number,
    )


NO_ROUND_COLLECTING = N_("No round is collecting ideas right now.")


SEVERAL_ROUNDS = N_("Several rounds are collecting ideas: send the command as a reply to the round's message.")
