"""Red flags in the runner's own words: ``notes``, ``pain_location`` and any other free text.

A hand-written matcher, English only (docs/triage.md): the text is cut into sentences and
clauses; a term counts unless a negation comes before it in its clause ("no swelling", "not
swollen", "wasn't dizzy") or a resolution follows it ("swelling gone", "it went away").
Leg signs (swollen, warm, red, tender, painful) need a leg part in the sentence and are
sided: left/right/one leg, or both (also plural parts: "calves", "ankles"); a singular part
without a side ("calf swollen") counts as one leg, since a clot is one-sided.

>>> [(m.code, m.quote) for m in read("calf swollen and hot, left leg")]
[('swelling-left', 'calf swollen and hot, left leg'), ('warm-red-leg', 'calf swollen and hot, left leg')]
>>> read("no swelling, redness or warmth in my left calf")
[]
>>> [(m.code, m.resolved) for m in read("swelling gone, felt dizzy on the run")]
[('dizziness', False), ('swelling', True)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, cast

from heavylegs.core.logschema import COLUMNS

# Every free-text column of the daily log is read (today: notes and pain_location).
TEXT_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.kind == "text")


@dataclass(frozen=True, slots=True)
class Mention:
    """A symptom code found in free text, the sentence it came from, and whether the text
    says it has gone (``resolved``: "swelling gone")."""

    code: str
    quote: str
    resolved: bool = False


class _Lazy:
    """A regular expression compiled on its first use: the ~45 patterns here cost ~35 ms
    to compile, which every command that computes an answer paid at import even when no
    day has any free text (an import of device files alone)."""

    __slots__ = ("_source", "_compiled")

    def __init__(self, source: str) -> None:
        self._source = source
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:  # search, finditer, sub, pattern, ...
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = re.compile(self._source)
        return getattr(compiled, name)


def _rx(*parts: str) -> re.Pattern[str]:
    return cast("re.Pattern[str]", _Lazy("|".join(f"(?:{p})" for p in parts)))


PART = r"\b(calf|calves|leg|legs|thigh|thighs|shin|shins|ankle|ankles|foot|feet|knee|knees|hamstrings?|quads?|achilles|toes?|groin|hip|hips)\b"
PLURAL = r"\b(calves|legs|thighs|shins|ankles|feet|knees|hamstrings|quads|toes|hips)\b"
DVT_PART = r"\b(calf|leg|thigh|hamstring|behind (the|my) knee|back of (the|my) knee)\b"
BOTH = r"\b(both|either side|each side|bilateral)\b"
# "right after the run", "all right", "left home" are not sides
LEFT = r"\bleft\b(?! (the|home|work|early|for|it|at|after|before)\b)"
RIGHT = r"(?<!all )\bright\b(?! (after|before|away|now|then|when|at|from|on time)\b)"
ONE = r"\b(one (leg|calf|side|thigh|ankle|foot)|only (the|my) (leg|calf)|single leg)\b"

# Leg signs: sided, need a leg part in the sentence (or the pain_location column).
SIGNS: dict[str, re.Pattern[str]] = {
    "swelling": _rx(r"\bswell\w*", r"\bswollen\b", r"\bpuff(y|ed|iness)\b", r"\bpuffed up\b", r"\bo?edema\b",
                    r"\bpitting\b", r"\bbloated\b"),
    "warm": _rx(r"\bhot\b", r"\bwarm(th)?\b", r"\bburning hot\b"),
    "red": _rx(r"\bred(ness|dish|dened)?\b", r"\binflamed\b"),
    "pain": _rx(r"\bpain(ful)?\b", r"\bhurt(s|ing)?\b", r"\btender(ness)?\b", r"\bsore to (the )?touch\b"),
}
NOT_BODY = _rx(r"\b(day|days|weather|outside|sun|sunny|humid|heat ?wave|afternoon|bath|shower|sauna|tea|coffee|"
               r"water|drink|shoes?|zone|wine|light|card|pack|compress|ice|cap|jacket|kit|socks?|flag|line)\b")

TERMS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("chest-pain", _rx(r"\bchest\b.{0,30}\b(tight\w*|pressure|pain\w*|hurt\w*|ach\w*|heav\w*|squeez\w*|crush\w*|discomfort)",
                       r"\b(tight\w*|pressure|pain|heav\w*|crushing|squeezing)\b.{0,15}\bchest\b", r"\bangina\b")),
    ("breathless", _rx(r"\bshort(ness)? of breath\b", r"\bbreathless(ness)?\b", r"\b(could ?n[o']t|can ?n?[o']t|cannot|unable to) "
                       r"(get|catch) (my|a) breath\b", r"\b(could ?n[o']t|can ?n?[o']t|cannot|struggl\w* to|hard to) breathe\b",
                       r"\bdifficulty breathing\b", r"\bgasping\b", r"\bout of breath (at rest|walking|on the stairs|for no reason)")),
    ("fainting", _rx(r"\b(nearly|almost|near)[- ]?faint\w*", r"\bfaint(ed|ing)?\b(?!-)(?! (ache|pain|soreness|tightness|twinge|niggle|feeling of))",
                     r"\bpassed out\b", r"\bblack(ed)? out\b", r"\bgrey(ed)? out\b", r"\bsyncope\b", r"\bkeeled over\b")),
    ("collapse", _rx(r"\bcollaps(e|ed|ing)\b(?! (on|onto|into) (the|my) (sofa|couch|bed))")),
    ("dizziness", _rx(r"\bdizz(y|iness)\b", r"\blight[- ]?headed(ness)?\b", r"\b(head|room) (was )?spinning\b", r"\bvertigo\b",
                      r"\bwoozy\b")),
    ("palpitations", _rx(r"\bpalpitations?\b", r"\bheart (was |is |kept |started )?(racing|skipping|fluttering|flutter|jumping)\b",
                         r"\bracing heart\b", r"\bskipp(ed|ing) (a )?beats?\b", r"\bmissed beats?\b",
                         r"\birregular (heart ?beat|pulse|heart)\b")),
    ("coughing-blood", _rx(r"\bcough\w* (up )?blood\b", r"\bblood (when|as) i cough", r"\bblood in (my )?(spit|phlegm|sputum|mucus)\b",
                           r"\bha?emoptysis\b")),
    ("vomiting", _rx(r"\bvomit\w*", r"\bthr(ew|own|owing) up\b", r"\bpuk(e|ed|ing)\b")),
    ("severe-headache", _rx(r"\b(severe|bad|terrible|awful|worst|splitting|pounding|thunderclap|excruciating|massive|blinding)"
                            r" headache\b", r"\bhead (was |is )?pounding\b")),
    ("confusion", _rx(r"\bconfus(ed|ion)\b(?! (by|about|with|why|over))", r"\bdisorient(ed|ated)\b",
                      r"\bdid ?n[o']t know where i was\b", r"\bcould ?n[o']t think (straight|clearly)\b")),
    ("bladder-bowel-change", _rx(r"\bincontinen\w*", r"\blost control of (my )?(bladder|bowels?)\b", r"\b(wet|soiled) myself\b",
                                 r"\b(could ?n[o']t|can ?n?[o']t|cannot|unable to) (pee|wee|urinate)\b",
                                 r"\b(bladder|bowel) (control|problem|problems|change)\b")),
    ("face-or-speech-change", _rx(r"\bface (was |is |went )?(droop\w*|numb|lopsided)\b", r"\bfacial droop\b", r"\bdroopy face\b",
                                  r"\bslurr\w*", r"\bspeech (was )?(slurred|strange|garbled)\b",
                                  r"\b(could ?n[o']t|can ?n?[o']t|trouble) (speak|talk|speaking|talking|get (my )?words out)\b")),
    ("saddle-numbness", _rx(r"\bnumb\w*.{0,25}\b(groin|saddle|buttocks?|bottom|genitals?|between (my )?legs)\b",
                            r"\bsaddle numbness\b")),
    ("dark-urine", _rx(r"\b(urine|pee|wee)\b.{0,20}\b(dark(?! yellow)|brown|cola|coke|tea)\b",
                       r"\b(dark(?! yellow)|brown|cola|coke|tea)[- ]?(colou?red)? ?(urine|pee|wee)\b")),
    ("numbness", _rx(r"\bnumb(ness)?\b", r"\bpins-and-needles\b", r"\bdead feeling\b", r"\blost (the )?feeling\b")),
    ("tingling", _rx(r"\btingl(e|es|ing|y)\b")),
    ("foot-drop", _rx(r"\b(foot|drop)[- ]drop\b", r"\bdropp?(ed|ing)? foot\b", r"\bfoot (is |was |keeps )?slapp?(ing|s)\b",
                      r"\b(could ?n[o']t|can ?n?[o']t|cannot|unable to) (lift|raise|pull up) (my |the )?(foot|toes)\b",
                      r"\btoes (keep )?catch(ing)?\b")),
    ("weakness", _rx(r"\bweak(ness)?\b", r"\b(gave|giving|give) (way|out)\b", r"\bbuckl(ed|ing)\b")),
    ("fever", _rx(r"\bfever(ish)?\b", r"\bfebrile\b", r"\b(a|high|running a|got a|had a) temp(erature)?\b(?! (outside|of \d))",
                  r"\bflu\b(?![- ]?(jab|shot|vaccine|vaccination))", r"\bflu-like\b", r"\bchills\b", r"\bcovid\b")),
    ("cold-pale-leg", _rx(r"\b(leg|foot|calf)\b.{0,25}\bcold\b.{0,15}\b(pale|white|blue|mottled)\b",
                          r"\bcold\b.{0,15}\b(pale|white|blue|mottled)\b.{0,15}\b(leg|foot|calf)\b",
                          r"\b(pale|white|blue|mottled)\b.{0,15}\bcold\b.{0,15}\b(leg|foot|calf)\b")),
    ("tense-calf", _rx(r"\b(calf|leg|shin|thigh)\b.{0,25}\b(rock[- ]hard|hard as (a )?rock|tense|rigid|like a rock)\b",
                       r"\b(rock[- ]hard|tense|rigid)\b.{0,10}\b(calf|leg|shin|thigh)\b")),
    ("pain-on-stretch", _rx(r"\b(mov|bend|flex|point|stretch|wiggl|pull)\w*\b.{0,15}\b(toes|foot|ankle)\b.{0,20}\b(hurt\w*|pain\w*|agony)",
                            r"\b(hurt\w*|pain\w*|agony)\b.{0,20}\b(mov|bend|flex|point|stretch|wiggl|pull)\w*\b.{0,15}\b(toes|foot|ankle)\b")),
    ("sudden-heaviness", _rx(r"\bsudden(ly)?\b.{0,25}\b(heavy|heaviness|weak|weakness|gave way|gave out)\b",
                             r"\b(heavy|weak)\b.{0,20}\b(all of a sudden|suddenly|out of nowhere|out of the blue)\b")),
    ("pain-at-rest", _rx(r"\b(pain\w*|hurt\w*|ach\w*)\b.{0,45}\b(at rest|when resting|while resting|sitting still|even resting|lying down)\b",
                         r"\b(pain|hurt\w*|ache)\b.{0,30}(\bnot|n't|\bnever) (eas\w*|going away|go away|settl\w*|let\w* up)\b",
                         r"\b(constant|unrelenting) pain\b")),
    ("night-pain", _rx(r"\b(pain\w*|hurt\w*|ach\w*)\b.{0,30}\b(at night|wakes me|woke me|keeps me awake|kept me awake)\b",
                       r"\b(woke|wakes|waking) (me )?(up )?(with|from) (the )?pain\b")),
    ("bone-pain", _rx(r"\bbone pain\b", r"\bpain in the bone\b", r"\bhurts? (to|when i) hop\w*", r"\bpain (when|on) hopping\b",
                      r"\bstress fracture\b")),
    ("pain-worsening", _rx(r"\b(pain\w*|hurt\w*|heav\w*)\b.{0,30}\b(getting worse|worse (every|each) day|worsening|worse and worse)\b",
                           r"\b(getting worse|worse (every|each) day|worse and worse)\b.{0,30}\b(pain\w*|hurt\w*|heav\w*)\b")),
    ("daily-life-impact", _rx(r"\b(could ?n[o']t|can ?n?[o']t|cannot|struggl\w* to|hard to|unable to|trouble) "
                              r"(walk|climb (the )?stairs|do (the )?stairs|take the stairs|get up the stairs|sleep for the pain)\b")),
    ("recent-long-travel", _rx(r"\blong[- ]?(haul|flight|drive|car journey|coach|train journey)\b",
                               r"\b(flight|flew|drive|drove|coach|train)\b.{0,25}\b([4-9]|1\d|2\d) ?(h|hrs?|hours?)\b",
                               r"\b([4-9]|1\d|2\d) ?(h|hrs?|hours?) (flight|drive|in the car|on the plane)\b")),
    ("recent-surgery", _rx(r"\bsurgery\b", r"\boperation\b", r"\boperated on\b")),
    ("recent-immobilisation", _rx(r"\b(in a|leg in|plaster) cast\b", r"\bcrutches\b", r"\bimmobili[sz](ed|ation)\b",
                                  r"\bbed ?rest\b", r"\bbed-?ridden\b", r"\bwalking boot\b")),
    ("hormonal-contraception", _rx(r"\bthe pill\b", r"\bcontracepti\w+", r"\bhrt\b", r"\bhormone (replacement|therapy)\b",
                                   r"\bo?estrogen\b", r"\bbirth control\b")),
    ("previous-clot", _rx(r"\b(previous|past|history of|had an?|old|earlier)\b.{0,10}\b(clot|dvt|pe|blood clot|pulmonary embolism|"
                          r"thrombosis|embolism)\b")),
    ("cancer", _rx(r"\bcancer\b", r"\bchemo\w*", r"\btumou?r\b", r"\boncolog\w*", r"\bradiotherapy\b")),
)

# Terms whose pattern spans several words, none of them a negation: a negation inside the
# match negates it too ("urine not dark").
SPAN_NEGATION = frozenset({"chest-pain", "cold-pale-leg", "tense-calf", "pain-on-stretch", "sudden-heaviness", "dark-urine",
                           "saddle-numbness", "pain-worsening", "night-pain", "previous-clot", "recent-long-travel"})
# Words that keep a term from counting when they come before it in its clause.
NEGATION = _rx(r"\bno\b", r"\bnot\b", r"\bnever\b", r"\bwithout\b", r"\bnone\b", r"\bnothing\b", r"\bneither\b", r"\bnor\b",
               r"\bzero\b", r"\bfree of\b", r"\bdeny\b", r"\bdenies\b", r"\babsence of\b", r"\bruled out\b",
               r"\b(is|was|are|were|do|does|did|has|have|had|is|wo|would|should)n'?t\b", r"\bif\b", r"\bin case\b",
               r"\b(watch|look|check)(ing)? (out )?for\b")
# Phrases whose negation word does not negate anything ("for no reason", "not sure").
NOT_NEGATION = _rx(r"\bfor no (apparent |obvious )?reason\b", r"\bno idea\b", r"\bnot sure\b", r"\bnot certain\b", r"\bno clue\b",
                   r"\bnot only\b", r"\bno matter\b")
RESOLVED = _rx(r"\b(gone|went away|go away|resolved|cleared( up)?|disappeared|settled( down)?|subsided|went down|gone down|"
               r"back to normal|fine now|ok now|okay now|better now|no longer)\b")
CLAUSE_SPLIT = re.compile(r",|:|\(|\)|\bbut\b|\bhowever\b|\balthough\b|\bthough\b|\bexcept\b|\byet\b|\bwhereas\b|\band\b|\bthen\b")
SENTENCE_SPLIT = re.compile(r"[.!?;\n]+|\s-\s")
LIST_ONLY = re.compile(r"^\s*(or|and|nor)?\s*(any\s+)?(swelling|redness|warmth|heat|pain|tenderness|numbness|tingling|weakness|"
                       r"dizziness|fever|breathlessness|chest pain|palpitations)\b")


def _normal(text: str) -> str:
    text = text.lower().replace("’", "'").replace("‘", "'")
    return re.sub(r"\bpins\s+(and|&)\s+needles\b", "pins-and-needles", text)


def _clauses(sentence: str) -> list[tuple[int, int]]:
    """(start, end) of each clause of ``sentence``."""
    cuts = [0, *sorted({m.start() for m in CLAUSE_SPLIT.finditer(sentence)} | {m.end() for m in CLAUSE_SPLIT.finditer(sentence)}),
            len(sentence)]
    return [(a, b) for a, b in zip(cuts, cuts[1:], strict=False) if sentence[a:b].strip() and not CLAUSE_SPLIT.fullmatch(sentence[a:b])]


def _negated(clause: str, start: int, end: int) -> tuple[bool, bool]:
    """(negated, resolved) for the term at ``start``..``end`` of ``clause``."""
    before = NOT_NEGATION.sub(" ", clause[:start])
    after = clause[end:]
    if RESOLVED.search(after) or re.search(r"\bno longer\b", before):
        return True, True
    negs = list(NEGATION.finditer(before))
    return (bool(negs) and len(before[negs[-1].end():].split()) <= 6), False


class _Sentence:
    """One sentence: its clauses, which of them are negated lists or resolution clauses."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans = _clauses(text)
        # "no swelling, redness or warmth": a bare list after a negated clause stays negated
        self.carry: set[int] = set()
        for i in range(1, len(self.spans)):
            prev, cur = self.text[slice(*self.spans[i - 1])], self.text[slice(*self.spans[i])]
            if (i - 1 in self.carry or NEGATION.match(prev.strip())) and LIST_ONLY.match(cur):
                self.carry.add(i)
        tail = [i for i, (a, b) in enumerate(self.spans) if re.match(r"^\s*(it|that|this|they|which|all|now|since)?\s*('s|is|has|have|are|was)?"
                                                                        r"\s*(all |now |since )?" + RESOLVED.pattern, self.text[a:b])]
        self.resolved_before = max(tail, default=-1)

    def find(self, pattern: re.Pattern[str], inner: bool = False) -> list[tuple[int, bool]]:
        """(clause index, resolved) of every match that is not negated; a resolved one
        ("swelling gone") is kept with ``resolved`` set, so it can clear an earlier flag."""
        out = []
        for m in pattern.finditer(self.text):
            i = next((k for k, (a, b) in enumerate(self.spans) if a <= m.start() < b), None)
            if i is None:
                continue
            a, b = self.spans[i]
            negated, resolved = _negated(self.text[a:b], m.start() - a, min(m.end(), b) - a)
            if inner and NEGATION.search(NOT_NEGATION.sub(" ", m.group(0))):
                negated = True  # "urine not dark", "leg is not cold and pale"
            if i < self.resolved_before:
                negated = resolved = True
            if resolved or not (negated or i in self.carry):
                out.append((i, resolved))
        return out


def _side(sentence: _Sentence, clause: int, implied_leg: bool) -> str | None:
    """'left', 'right', 'one' (one leg, side not said), 'both', or None (no leg named)."""
    here = sentence.text[slice(*sentence.spans[clause])] if clause >= 0 else sentence.text
    for text in (here, sentence.text):
        left, right = bool(re.search(LEFT, text)), bool(re.search(RIGHT, text))
        if re.search(BOTH, text) or (left and right):
            return "both"
        if left or right:
            return "left" if left else "right"
        if re.search(ONE, text):
            return "one"
    for text in (here, sentence.text):
        if re.search(PLURAL, text):
            return "both"
        if re.search(PART, text):
            return "one"
    return "one" if implied_leg else None


def _signs(sentence: _Sentence, implied_leg: bool) -> list[tuple[str, bool]]:
    out: list[tuple[str, bool]] = []
    for sign, pattern in SIGNS.items():
        for clause, resolved in sentence.find(pattern):
            text = sentence.text[slice(*sentence.spans[clause])] if clause >= 0 else sentence.text
            if clause >= 0 and sign in ("warm", "red") and NOT_BODY.search(text):
                continue
            side = _side(sentence, clause, implied_leg)
            if side is None and resolved:  # "swelling gone": whichever leg it was
                out.append(({"swelling": "swelling"}.get(sign, "warm-red-leg" if sign in ("warm", "red")
                                                         else "calf-pain-one-side"), True))
                continue
            if side is None:
                continue
            if sign == "swelling":
                code = {"left": "swelling-left", "right": "swelling-right", "one": "swelling-one-side"}.get(side, "swelling-both")
            elif side == "both":
                continue  # warm, red or painful legs on both sides: not the one-sided clot sign
            elif sign == "pain" and not (implied_leg or re.search(DVT_PART, sentence.text)):
                continue
            else:
                code = "warm-red-leg" if sign in ("warm", "red") else "calf-pain-one-side"
            out.append((code, resolved))
    return out


def read(text: str | None, column: str = "notes") -> list[Mention]:
    """Every red-flag symptom code in ``text`` (one mention per code, first quote kept).
    ``column`` ``pain_location`` implies a leg even when none is named."""
    if not text or not str(text).strip():
        return []
    found: dict[str, Mention] = {}
    implied = column == "pain_location"
    for raw in SENTENCE_SPLIT.split(str(text)):
        if not raw.strip():
            continue
        sentence = _Sentence(_normal(raw))
        hits = [(code, r) for code, pattern in TERMS for _, r in sentence.find(pattern, code in SPAN_NEGATION)]
        for code, resolved in hits + _signs(sentence, implied):
            if code in ("numbness", "tingling") and re.search(r"\b(hands?|fingers?|arms?|cold|freezing|frozen)\b", sentence.text):
                continue
            quote = " ".join(str(text).split()) if len(str(text)) <= 120 else " ".join(raw.split())
            old = found.get(code)
            if old is None or (old.resolved and not resolved):
                found[code] = Mention(code, quote, resolved)
    return list(found.values())
