"""The SMS symptom dialogue as a pure state machine.

handle_message(state, text, now, language, site_phone=...) -> Outcome. One question at a
time; a bare number answers the open question; a question expires after `expiry`; a reply
we cannot understand gets one re-prompt with an example, then goes to the nurse as free
text (and is never thanked for).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Mapping

from app.symptoms.grading.escalation import EscalationContext, should_escalate
from app.symptoms.grading.grader import AssessedSymptom, assess
from app.notifications.templates import RenderedSms
from app.symptoms.dialogue.messages import language_or_default, render
from app.symptoms.parsing.parser import ParsedSymptom, ParseResult, parse_message
from app.symptoms.dialogue.questions import answer_item, question_for

DEFAULT_EXPIRY = timedelta(hours=12)


@dataclass(frozen=True)
class OpenQuestion:
    """A follow-up for `term`; asked_at is None while it waits its turn in the queue."""

    term: str
    attribute: str
    asked_at: datetime | None = None
    reprompted: bool = False


@dataclass(frozen=True)
class ConversationState:
    """Open questions (head = the one asked) and the items waiting for their answers."""

    questions: tuple[OpenQuestion, ...] = ()
    pending: tuple[ParsedSymptom, ...] = ()
    unclear_reprompted: bool = False


@dataclass(frozen=True)
class Escalation:
    """A completed item that must reach the nurse, with the rule(s) that fired."""

    item: AssessedSymptom
    reasons: tuple[str, ...]

    @property
    def urgent(self) -> bool:
        """Red flags send the patient to call now / emergency care."""
        return any(reason.startswith("red_flag:") for reason in self.reasons)


@dataclass(frozen=True)
class Outcome:
    """Result of one inbound message."""

    state: ConversationState
    replies: tuple[RenderedSms, ...]  # each names its template; `.text` is what the patient reads
    completed_items: tuple[AssessedSymptom, ...] = ()
    escalations: tuple[Escalation, ...] = ()
    for_nurse_free_text: bool = False


@dataclass(frozen=True)
class DialogueSettings:
    """Per-site parameters of the dialogue."""

    site_phone: str
    expiry: timedelta = DEFAULT_EXPIRY
    context: EscalationContext = EscalationContext()
    baseline_stools_per_day: float | None = None  # None: none recorded (a baseline stated in the text is used)
    previous_grades: Mapping[str, int] = field(default_factory=dict)


@dataclass
class _Turn:
    """Working record of one turn (local; frozen into Outcome at the end)."""

    state: ConversationState
    completed: list[ParsedSymptom] = field(default_factory=list)
    replies: list[RenderedSms] = field(default_factory=list)
    for_nurse: bool = False


def _pending_item(state: ConversationState, term: str) -> ParsedSymptom:
    return next(item for item in state.pending if item.ctcae_term == term)


def _without_term(state: ConversationState, term: str) -> ConversationState:
    return replace(state, questions=tuple(q for q in state.questions if q.term != term),
                   pending=tuple(i for i in state.pending if i.ctcae_term != term))


def _complete(turn: _Turn, term: str, item: ParsedSymptom) -> None:
    turn.state = _without_term(turn.state, term)
    turn.completed.append(item)


def _expire(turn: _Turn, now: datetime, expiry: timedelta) -> None:
    """Questions unanswered for longer than `expiry` close with what we have."""
    for question in turn.state.questions:
        if question.asked_at is not None and now - question.asked_at > expiry:
            _complete(turn, question.term, _pending_item(turn.state, question.term))


def _asked(state: ConversationState) -> OpenQuestion | None:
    head = state.questions[0] if state.questions else None
    return head if head is not None and head.asked_at is not None else None


def _try_answer(turn: _Turn, parsed: ParseResult) -> bool:
    question = _asked(turn.state)
    if question is None:
        return False
    same_term = [i for i in parsed.items if i.ctcae_term == question.term and not i.negated]
    if parsed.items and not same_term:
        return False  # new symptoms, not an answer
    item = _pending_item(turn.state, question.term)
    answered = answer_item(item, question.attribute, parsed)
    if answered is None and same_term and question_for(same_term[0]) is None:
        answered = same_term[0]  # "nausea 3" / "nausea is severe" re-stated with the answer
    if answered is None:
        return False
    _complete(turn, question.term, answered)
    return True


def _add_items(turn: _Turn, items: tuple[ParsedSymptom, ...]) -> None:
    pending_terms = {i.ctcae_term for i in turn.state.pending}
    for item in items:
        attribute = question_for(item)
        if item.ctcae_term in pending_terms:
            continue  # already being asked about; its answer comes separately
        if attribute is None:
            turn.completed.append(item)
            continue
        turn.state = replace(turn.state, pending=turn.state.pending + (item,),
                             questions=turn.state.questions + (OpenQuestion(item.ctcae_term, attribute),))


def _not_understood(turn: _Turn, language: str, phone: str) -> None:
    question = _asked(turn.state)
    if question is not None and not question.reprompted:
        turn.state = replace(turn.state, questions=(replace(question, reprompted=True),) + turn.state.questions[1:])
        turn.replies.append(render(f"reprompt_{question.attribute}", language, term=question.term))
    elif question is not None:
        _complete(turn, question.term, _pending_item(turn.state, question.term))
        _to_nurse(turn, language, phone)
    elif not turn.state.unclear_reprompted:
        turn.state = replace(turn.state, unclear_reprompted=True)
        turn.replies.append(render("reprompt_general", language))
    else:
        _to_nurse(turn, language, phone)


def _to_nurse(turn: _Turn, language: str, phone: str) -> None:
    turn.for_nurse = True
    turn.state = replace(turn.state, unclear_reprompted=False)
    turn.replies.append(render("to_nurse", language, phone=phone))


def _ask_next(turn: _Turn, now: datetime, language: str) -> None:
    if not turn.state.questions:
        return
    head, rest = turn.state.questions[0], turn.state.questions[1:]
    if head.asked_at is None:
        head = replace(head, asked_at=now)
        turn.state = replace(turn.state, questions=(head,) + rest)
    turn.replies.append(render(f"ask_{head.attribute}", language, term=head.term))


def _escalations(assessed: list[AssessedSymptom], settings: DialogueSettings) -> tuple[Escalation, ...]:
    found = []
    for item in assessed:
        escalate, reasons = should_escalate(item, settings.previous_grades.get(item.ctcae_term), settings.context)
        if escalate:
            found.append(Escalation(item, reasons))
    return tuple(found)


def _escalation_reply(escalations: tuple[Escalation, ...], language: str, phone: str) -> list[RenderedSms]:
    if not escalations:
        return []
    key = "urgent" if any(e.urgent for e in escalations) else "escalated"
    return [render(key, language, phone=phone)]


def _close_for_nurse(turn: _Turn, settings: DialogueSettings) -> list[AssessedSymptom]:
    """An urgent turn ends the dialogue: the nurse takes over, no stale question follows the
    "call now" reply. Symptoms still waiting for an answer are kept, ungraded where unanswered."""
    kept = [assess(item, settings.baseline_stools_per_day) for item in turn.state.pending]
    turn.state = ConversationState()
    turn.replies = []
    return kept


def handle_message(state: ConversationState, text: str, now: datetime, language: str | None,
                   settings: DialogueSettings) -> Outcome:
    """Process one inbound SMS: update the dialogue, grade finished items, decide replies."""
    language = language_or_default(language)
    turn = _Turn(state)
    _expire(turn, now, settings.expiry)
    parsed = parse_message(text)
    understood = _try_answer(turn, parsed)
    if not understood and parsed.items:
        _add_items(turn, parsed.items)
        understood = True
    if understood:
        turn.state = replace(turn.state, unclear_reprompted=False)
        _ask_next(turn, now, language)
    else:
        _not_understood(turn, language, settings.site_phone)
    assessed = [assess(i, settings.baseline_stools_per_day) for i in turn.completed]
    escalations = _escalations(assessed, settings)
    if any(e.urgent for e in escalations):
        assessed += _close_for_nurse(turn, settings)
    replies = _escalation_reply(escalations, language, settings.site_phone) + turn.replies
    if understood and not replies:
        replies = [render("recorded", language)]
    return Outcome(turn.state, tuple(replies), tuple(assessed), escalations, turn.for_nurse)
