"""Judging single messages: is it a knowledge question, is it thanks, what is its title."""

from __future__ import annotations

import re
from dataclasses import dataclass

_CJK = r"\u3400-\u9fff\uf900-\ufaff"
# Chinese question cues: particles at the end, interrogatives and asking verbs anywhere.
_ZH_END = re.compile(r"[吗呢么嘛][\s？?！!。~～…]*$")
_ZH_CUES = re.compile(
    r"怎么|怎样|如何|为什么|为啥|请问|有没有|求助|求推荐|求教|哪里|哪个|哪些|什么|是否|能不能|可不可以|"
    r"要不要|会不会|是不是|咋|多少|几种|区别|请教|推荐.*[吗？?]"
)
_ZH_STRONG = re.compile(r"怎么|怎样|如何|为什么|为啥|请问|有没有|求助|求推荐|求教|请教|能不能|可不可以")
_EN_START = re.compile(
    r"^(how|what|why|when|where|which|who|whom|whose|anyone|anybody|does|do|did|is|are|was|were|can|"
    r"could|should|would|will|has|have|any|is there|are there|help|need help)\b",
    re.IGNORECASE,
)
_EN_CUES = re.compile(
    r"\b(how (do|can|to|should|does)|what('s| is| are| does)|why (does|do|is|are)|anyone (know|have|tried)|"
    r"any (idea|tips|suggestions?|recommendations?)|is there (a|any)|help me|stuck on|can't figure|"
    r"doesn't work|not working|error)\b",
    re.IGNORECASE,
)
# Phatic questions: real question marks, no knowledge sought.
_PHATIC = re.compile(
    r"^(有人吗|有人在吗|在吗|在不在|大家好吗?|还有人吗|是吧|对吧|好吗|真的吗|是吗|"
    r"anyone (here|around|online|alive)|hello\??|hi\??|really|right|ok|okay|是不是真的)[\s？?！!。~～…]*$",
    re.IGNORECASE,
)
_THANKS = re.compile(
    r"谢谢|感谢|多谢|谢啦|谢了|thx|解决了|搞定了?|可以了|好了好了|成功了|明白了|懂了|学到了|"
    r"\bthanks?\b|\bthank you\b|\bty\b|\bworks( now)?\b|\bworked\b|\bthat did it\b|\bsolved\b|\bfixed\b",
    re.IGNORECASE,
)
_TAG_QUESTION = re.compile(r"(吧|对吧|是吧|不是吗|没错吧)[\s？?！!。~～…]*$")
_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
_QUESTION_MARK = re.compile(r"[?？]")
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])|(?<=\.)\s|\n")


@dataclass(frozen=True, slots=True)
class Verdict:
    is_question: bool
    confidence: float
    reason: str


def judge_question(text: str) -> Verdict:
    """Is this message a knowledge question? With a confidence and the rule that decided."""
    stripped = _URL.sub(" ", text).strip()  # a "?" inside a link asks nothing
    if len(stripped) < 4:
        return Verdict(False, 0.9, "too short")
    if _PHATIC.match(stripped):
        return Verdict(False, 0.9, "phatic question")
    has_mark = bool(_QUESTION_MARK.search(stripped))
    zh = bool(re.search(f"[{_CJK}]", stripped))
    cue = bool(_ZH_CUES.search(stripped)) if zh else False
    cue = cue or bool(_EN_CUES.search(stripped)) or bool(_EN_START.match(stripped))
    zh_end = zh and bool(_ZH_END.search(stripped))
    if zh and _TAG_QUESTION.search(stripped):
        return Verdict(True, 0.5, "tag question")
    if has_mark and (cue or zh_end):
        return Verdict(True, 0.95, "question mark and question words")
    if has_mark:
        return Verdict(True, 0.7, "question mark")
    if zh and _ZH_STRONG.search(stripped):
        return Verdict(True, 0.75, "asking words")
    if zh_end or (cue and len(stripped) > 10 and _ZH_CUES.search(stripped)):
        return Verdict(True, 0.6, "question words")
    return Verdict(False, 0.7, "no question cue")


def is_thanks(text: str) -> bool:
    """Does this message thank someone or report that a suggestion worked?"""
    return bool(_THANKS.search(text))


def is_thanks_only(text: str) -> bool:
    """Thanks with nothing else of substance: not an answer in itself."""
    if not is_thanks(text):
        return False
    rest = _THANKS.sub("", text)
    rest = re.sub(r"[\W_]+", "", rest)
    return len(rest) <= 12


def make_title(text: str, limit: int = 80) -> str:
    """A concise one-line title: the sentence that asks, trimmed to ``limit`` characters."""
    flat = " ".join(text.split())
    sentences = [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]
    asking = [s for s in sentences if _QUESTION_MARK.search(s)]
    title = " ".join((asking[0] if asking else sentences[0] if sentences else flat).split())
    if len(title) < 8 and len(flat) > len(title):
        title = flat
    if len(title) > limit:
        cut = title[: limit - 1]
        space = cut.rfind(" ")
        title = (cut[:space] if space > limit // 2 else cut).rstrip(" ,，、") + "…"
    return title
