"""The SMS dialogue state (frozen dataclasses) to JSON and back, for SymptomReport.conversation.

Plain JSON so a report row can be read by a person; `last_message_at` is kept beside the
pure state so a dialogue the patient abandoned can be closed.
"""
from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from app.symptoms.dialogue.conversation import ConversationState, OpenQuestion
from app.symptoms.parsing.parser import ParsedSymptom

FORMAT = 1


def _question_json(question: OpenQuestion) -> dict:
    asked = question.asked_at.isoformat() if question.asked_at else None
    return {"term": question.term, "attribute": question.attribute, "asked_at": asked,
            "reprompted": question.reprompted}


def _question(data: dict) -> OpenQuestion:
    asked = datetime.fromisoformat(data["asked_at"]) if data.get("asked_at") else None
    return OpenQuestion(data["term"], data["attribute"], asked, bool(data.get("reprompted")))


def _item_json(item: ParsedSymptom) -> dict:
    data = asdict(item)
    data["red_flags"] = list(item.red_flags)
    return data


def _item(data: dict) -> ParsedSymptom:
    return ParsedSymptom(**{**data, "red_flags": tuple(data.get("red_flags", ()))})


def state_to_json(state: ConversationState, last_message_at: datetime) -> dict:
    """JSON-ready form of `state`."""
    return {"format": FORMAT, "last_message_at": last_message_at.isoformat(),
            "questions": [_question_json(q) for q in state.questions],
            "pending": [_item_json(i) for i in state.pending],
            "unclear_reprompted": state.unclear_reprompted}


def state_from_json(data: dict | None) -> ConversationState:
    """The state stored by `state_to_json` (an empty dialogue for None)."""
    if not data:
        return ConversationState()
    return ConversationState(questions=tuple(_question(q) for q in data.get("questions", ())),
                             pending=tuple(_item(i) for i in data.get("pending", ())),
                             unclear_reprompted=bool(data.get("unclear_reprompted")))


def last_message_at(data: dict | None) -> datetime | None:
    """When the patient last wrote in this dialogue."""
    return datetime.fromisoformat(data["last_message_at"]) if data and data.get("last_message_at") else None
