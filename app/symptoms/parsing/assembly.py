"""Turn phrase events and number readings into symptom mentions (used by parser.py)."""

from __future__ import annotations

from app.symptoms.parsing.lexicon import GRADED_MODIFIERS
from app.symptoms.parsing.matching import BREAK_PUNCTUATION, Event
from app.symptoms.parsing.mention import DYSPNEA, FEVER, FEVER_THRESHOLD_C, Mention, raise_attribute
from app.symptoms.parsing.readings import Reading
from app.symptoms.parsing.values import apply_readings
from app.symptoms.parsing.text import is_latin_word

GENERIC_PAIN = "Pain"
BODY_PART_BEFORE, BODY_PART_AFTER = 5, 5
SITE_WINDOW = 5  # tokens between a site word and its quality word  # tokens: "肚子一阵阵绞痛", "pain 8/10 in my belly"
# Words that end the reach of "no"/"没有" inside a clause ("no fever and I have diarrhea").
NEGATION_STOPPERS = frozenset({"i", "i'm", "im", "have", "has", "feel", "feeling", "got", "am", "still",
                               "now", "just", "only", "because", "due", "cause", "so",
                               "有", "还", "就", "是", "感", "觉", "又", "只", "倒", "因", "所"})
# What may stand between a symptom and a denial said after it ("fever: none", "呕吐：无",
# "vomiting - none", "nausea is no").
POST_DENIAL_SEPARATORS = frozenset({":", "-", "–", "—", "=", "is", "was", "are", "were", "?", "也", "都", "是"})
NEGATION_KINDS = ("negation_pre", "negation_next")
QUESTION_PARTICLES = frozenset({"吗", "呢", "了", "有", "any"})
MAX_TOKENS_AFTER_POST_DENIAL = 2  # "发烧：没有了", "fever: none at all"
# Stool words that are verbs: "不拉了" is diarrhoea stopping, not constipation.
STOOL_VERBS = frozenset({"拉", "拉了", "上厕所", "toilet", "loo", "pooping", "pooped"})
CONSTIPATION = "Constipation"
# Resolution words that also end a symptom named in the clause just before ("had diarrhoea
# but it stopped", "头疼，现在没了"). Others stay in their clause: "nausea, otherwise normal",
# "走几步就喘，歇一会就好了" (better with rest is not resolved).
CROSS_CLAUSE_RESOLUTIONS = frozenset({"gone", "went away", "has gone", "stopped", "resolved", "is gone",
                                      "all gone", "cleared up", "disappeared", "没了", "消失了", "退了",
                                      "止住了", "停了", "不见了", "已经没有了"})


def _text(tokens: list[str], start: int, end: int) -> str:
    part = tokens[start:end]
    return " ".join(part) if any(is_latin_word(t) for t in part) else "".join(part)


def _body_part_term(pain: Event, events: list[Event]) -> Event | None:
    """The body-part event that makes a generic pain word site-specific, if close enough."""
    def distance(part: Event) -> int:
        return pain.start - part.end if part.end <= pain.start else part.start - pain.end
    parts = [e for e in events if e.entry.kind == "body_part" and e.clause == pain.clause]
    near = [p for p in parts if 0 <= distance(p) <= (BODY_PART_BEFORE if p.end <= pain.start else BODY_PART_AFTER)]
    return min(near, key=distance) if near else None


def _mentions_from_event(event: Event, events: list[Event], tokens: list[str]) -> list[Mention]:
    terms, flag, start = event.entry.terms, event.entry.flag, event.start
    if terms == (GENERIC_PAIN,):
        part = _body_part_term(event, events)
        if part is not None:
            terms, flag, start = part.entry.terms, part.entry.flag, min(start, part.start)
    text = _text(tokens, start, max(event.end, start + 1))
    return [Mention(t, event.start, event.end, event.clause, text, red_flags={flag} if flag else set())
            for t in terms]


def _site_pattern_events(events: list[Event], site_rules) -> tuple[list[Event], set[int]]:
    """Symptom events made from a site word and a quality word in one clause (either order),
    and the ids of symptom words used as a quality: those mean the rule's term instead
    ("soles peeling" is hand-foot syndrome, "leg cramps" limb pain, "嗓子痒" nothing)."""
    sites = [e for e in events if e.entry.tag and e.entry.kind != "quality"]
    found, consumed = [], set()
    for quality in events:
        tag = _quality_tag(quality)
        if tag is None:
            continue
        near = [s for s in sites if s.clause == quality.clause and (s.entry.tag, tag) in site_rules and s is not quality
                and max(s.start, quality.start) - min(s.end, quality.end)
                <= (site_rules[(s.entry.tag, tag)].window or SITE_WINDOW)]
        if near:
            site = min(near, key=lambda s: abs(s.start - quality.start))
            entry = site_rules[(site.entry.tag, tag)]
            found.append(Event(min(site.start, quality.start), max(site.end, quality.end), entry, quality.clause))
            if quality.entry.kind == "symptom":
                consumed.add(id(quality))
    return found, consumed


def _quality_tag(event: Event) -> str | None:
    """The rule key of a quality: its tag, or "term:<Term>" for a symptom word."""
    if event.entry.kind == "quality":
        return event.entry.tag
    if event.entry.kind == "symptom" and len(event.entry.terms) == 1:
        return f"term:{event.entry.terms[0]}"
    return None


def _negation_reaches(tokens: list[str], cue: Event, mention: Mention) -> bool:
    """A denial before the term, in its clause ("no fever", "没有发烧", "no longer have diarrhea"),
    or inside a term made of two parts ("头不晕", "groin not bleeding")."""
    if cue.clause != mention.clause:
        return False
    if mention.start < cue.start and cue.end <= mention.end:
        return True  # between a site word and its quality word
    if cue.end > mention.start:
        return False
    if cue.entry.kind == "negation_next":
        return cue.end == mention.start
    between = tokens[cue.end:mention.start]
    # A verb straight after the cue belongs to it: "no longer have", "don't feel", "没有感觉".
    while between and between[0] in NEGATION_STOPPERS:
        between = between[1:]
    return not any(t in NEGATION_STOPPERS for t in between)


def _denied_after(tokens: list[str], cue: Event, mentions: list[Mention]) -> Mention | None:
    """The term a denial said after it refers to ("fever: none", "呕吐：无", "vomiting - none"):
    the cue denies nothing after it in its clause, and only separators stand between."""
    if cue.entry.kind != "negation_pre" or any(m.clause == cue.clause and m.start >= cue.end for m in mentions):
        return None  # "喘不上气": a 不 after a term is part of the phrase, not a denial of it
    rest = 0
    for token in tokens[cue.end:]:
        if token in BREAK_PUNCTUATION:
            break
        rest += 1
    if rest > MAX_TOKENS_AFTER_POST_DENIAL:
        return None  # the cue starts a sentence of its own ("fever, no idea why")
    before = [m for m in mentions if m.clause == cue.clause and m.end <= cue.start]
    if not before and cue.start >= 1 and tokens[cue.start - 1] == "?":
        # a question answered: "Cough? No.", "发烧吗？没有"
        before = [m for m in mentions if m.clause == cue.clause - 1 and m.end <= cue.start - 1]
        return max(before, key=lambda m: m.end) if before and all(
            t in QUESTION_PARTICLES for t in tokens[max(m.end for m in before):cue.start - 1]) else None
    if not before:
        return None
    last = max(before, key=lambda m: m.end)
    return last if all(t in POST_DENIAL_SEPARATORS for t in tokens[last.end:cue.start]) else None


def _apply_negation(mentions: list[Mention], events: list[Event], tokens: list[str]) -> None:
    for cue in events:
        kind = cue.entry.kind
        if kind in NEGATION_KINDS:
            reached = [m for m in mentions if _negation_reaches(tokens, cue, m)]
            for mention in reached:
                mention.negated = True
            after = None if reached else _denied_after(tokens, cue, mentions)
            if after is not None:
                after.negated = True
        elif kind == "negation_post":
            before = [m for m in mentions if cue.clause == m.clause and m.end <= cue.start]
            if not before and _text(tokens, cue.start, cue.end) in CROSS_CLAUSE_RESOLUTIONS:
                # "had diarrhoea but it stopped", "头疼，现在好了": the symptom of the clause before
                before = [m for m in mentions if m.clause == cue.clause - 1
                          and not any(o.clause == cue.clause for o in mentions)]
            for mention in before:
                mention.negated = True


def _inverted_mentions(events: list[Event], tokens: list[str]) -> list[Mention]:
    """Mentions of things whose denial is the symptom: "没睡好" (Insomnia), "no energy", and
    a denied bowel movement ("三天没大便", "haven't had a bowel movement") as Constipation."""
    found = [Mention(e.entry.terms[0], e.start, e.end, e.clause, _text(tokens, e.start, e.end))
             for e in events if e.entry.kind == "when_negated"]
    found += [Mention(CONSTIPATION, e.start, e.end, e.clause, _text(tokens, e.start, e.end))
              for e in events if e.entry.kind == "stool_cue" and _text(tokens, e.start, e.end) not in STOOL_VERBS]
    if not found:
        return []
    cues = [e for e in events if e.entry.kind in NEGATION_KINDS]
    kept = []
    for mention in found:
        before = [c for c in cues if _negation_reaches(tokens, c, mention)]
        after = [c for c in cues if mention.term != CONSTIPATION  # "力气都没有", but "大便没有血" is no constipation
                 and _denied_after(tokens, c, [mention]) is mention]
        if before or after:
            cue = (before or after)[0]
            mention.matched_text = _text(tokens, min(cue.start, mention.start), max(cue.end, mention.end))
            kept.append(mention)
    return kept


def _distance(event: Event, mention: Mention) -> tuple[int, int]:
    # Ties go to the symptom after the word ("very tired" beats "nausea, very").
    if event.end <= mention.start:
        return mention.start - event.end, 0
    return event.start - mention.end, 1


def _target(event_clause: int, position: Event, mentions: list[Mention]) -> Mention | None:
    """Nearest mention in the same clause, else the last one of an earlier clause."""
    same = [m for m in mentions if m.clause == event_clause]
    if same:
        return min(same, key=lambda m: _distance(position, m))
    earlier = [m for m in mentions if m.clause < event_clause]
    return earlier[-1] if earlier else None


def _apply_scales(mentions: list[Mention], events: list[Event]) -> None:
    positive = [m for m in mentions if not m.negated]
    for event in events:
        if event.entry.kind in GRADED_MODIFIERS:
            target = _target(event.clause, event, positive)
            if target is not None:
                raise_attribute(target, event.entry.kind, event.entry.value)


def assemble_mentions(tokens: list[str], events: list[Event], readings: list[Reading],
                      clause_of_token: list[int], site_rules=None, subsumed_by=None) -> list[Mention]:
    """Mentions with negation, scales, values and red flags applied, merged per term."""
    pattern_events, consumed = _site_pattern_events(events, site_rules or {})
    symptom_events = [e for e in events if e.entry.kind == "symptom" and id(e) not in consumed]
    symptom_events += [e for e in pattern_events if e.entry.kind == "symptom"]
    mentions = [m for e in symptom_events for m in _mentions_from_event(e, events, tokens)]
    mentions = _drop_hypothetical(mentions, events)
    _apply_negation(mentions, events, tokens)
    mentions += _inverted_mentions(events, tokens)
    _apply_scales(mentions, events)
    apply_readings(mentions, readings, events, clause_of_token, tokens)
    _apply_flags(mentions, events)
    return _drop_subsumed(_drop_unplaced_pain(_merge(mentions)), subsumed_by or {})


def _drop_hypothetical(mentions: list[Mention], events: list[Event]) -> list[Mention]:
    """A symptom after "if"/"如果" in its clause is a supposition, not a report ("what should I
    do if I get a fever?"): it is not recorded at all."""
    cues = [e for e in events if e.entry.kind == "hypothetical"]
    if not cues:
        return mentions
    return [m for m in mentions if not any(c.clause == m.clause and c.end <= m.start for c in cues)]


def _drop_subsumed(mentions: list[Mention], subsumed_by) -> list[Mention]:
    """Record only the wider term when both are reported (lexicon "subsumed_by")."""
    present = {m.term for m in mentions if not m.negated}
    return [m for m in mentions if m.negated or subsumed_by.get(m.term) not in present]


def _drop_unplaced_pain(mentions: list[Mention]) -> list[Mention]:
    """A pain word with no body part, next to a named symptom, describes that symptom
    ("mouth sores, hurts to eat", "穿刺点肿了，有点疼"): keep it only when it stands alone."""
    others = [m for m in mentions if m.term != GENERIC_PAIN and not m.negated]
    return [m for m in mentions if not (m.term == GENERIC_PAIN and others)]


def _apply_flags(mentions: list[Mention], events: list[Event]) -> None:
    rest_clauses = {e.clause for e in events if e.entry.kind == "at_rest"}
    for mention in mentions:
        if mention.term == DYSPNEA and mention.clause in rest_clauses:
            mention.red_flags.add("dyspnea_at_rest")
        if mention.term == FEVER and mention.value is not None and mention.value >= FEVER_THRESHOLD_C:
            mention.red_flags.add("fever_measured")


def _merge_pair(first: Mention, other: Mention) -> None:
    if first.negated and not other.negated:
        first.red_flags = set()
    first.negated = first.negated and other.negated
    for attribute in ("severity", "frequency", "interference"):
        value = getattr(other, attribute)
        if value is not None:
            raise_attribute(first, attribute, value)
    if other.value is not None and (first.value is None or other.value > first.value):
        first.value, first.unit = other.value, other.unit
    if not other.negated:
        first.red_flags |= other.red_flags
    if other.matched_text not in first.matched_text:
        first.matched_text = f"{first.matched_text}; {other.matched_text}"


def _merge(mentions: list[Mention]) -> list[Mention]:
    merged: dict[str, Mention] = {}
    for mention in mentions:
        if mention.term in merged:
            _merge_pair(merged[mention.term], mention)
        else:
            merged[mention.term] = mention
    return list(merged.values())
