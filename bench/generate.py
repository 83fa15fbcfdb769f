"""Deterministic generator of realistic community exports for benchmarks.

Writes G groups with N messages in total from M members: Chinese and English questions with
interleaved replies, thanks, reactions, links, self-introductions and chatter. Telegram JSON
(one ``result.json`` per group, with reply links) or WhatsApp ``.txt`` (no reply links: a few
answers name the asker, ``@name ...``, as people do when several conversations interleave).

About 5% of messages ask a question (``QUESTION_RATE``), about a third answer one of the few
conversations still open, the rest is chatter: roughly the mix of an active study group.

    python bench/generate.py --messages 100000 --members 2000 --groups 5 --format telegram --out /tmp/exports
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

CITIES = ["上海", "北京", "深圳", "杭州", "成都", "Berlin", "London", "Singapore", "Remote", "Toronto"]
ROLES = ["数据分析", "后端", "产品经理", "学生", "运维", "data eng", "ML engineer", "analyst", "SWE", "PhD"]
NAMES = ["小王", "阿杰", "Lily", "Kevin", "momo", "陈姐", "Ana", "Priya", "Tom", "老周", "芳芳", "Ken", "Amy"]
TOPICS = [
    ("pandas", "merge 和 join", "merge vs join"),
    ("pandas", "groupby 多列聚合", "groupby with several aggregations"),
    ("python", "venv 里 pip 装了包还是 import 不了", "ModuleNotFoundError after pip install in a venv"),
    ("sql", "窗口函数 ROW_NUMBER 和 RANK", "ROW_NUMBER vs RANK window functions"),
    ("visualization", "matplotlib 中文乱码", "Chinese fonts in matplotlib plots"),
    ("jupyter", "Jupyter 找不到 kernel", "Jupyter kernel not found"),
    ("git", "git merge 冲突", "resolving a git merge conflict"),
    ("docker", "Docker 镜像和容器的区别", "docker image vs container"),
    ("machine-learning", "先标准化再划分训练集会泄漏吗", "scaling before train/test split leakage"),
    ("encoding", "读 GBK 的 CSV 报 UnicodeDecodeError", "UnicodeDecodeError reading a GBK csv"),
]
ZH_Q = ["请问{t}怎么处理？", "{t}有什么区别吗？", "有没有人遇到过{t}的问题？", "求助：{t}，该怎么办？"]
EN_Q = ["How do I deal with {t}?", "Anyone know how to fix {t}?", "What's the best approach for {t}?"]
ZH_A = ["我一般这样做：先看文档 {u} ，然后{t}就好了。", "{t}的关键是理解索引，试试 `df.merge(b, on='id')`。"]
EN_A = [
    "For {t}, check {u} - the short version is to pin your versions.",
    "I had the same issue with {t}; `pip install -U` fixed it.",
]
THANKS = ["谢谢！解决了", "感谢大佬", "thanks, that works!", "多谢，可以了", "works now, thank you"]
CHATTER = ["早上好", "哈哈哈", "周末愉快", "good morning all", "nice one", "今天好忙", "+1", "学到了"]
LINKS = [
    "https://pandas.pydata.org/docs/",
    "https://docs.python.org/3/",
    "https://git-scm.com/book/",
    "https://scikit-learn.org/stable/",
]
INTROS = [
    "大家好，我是{n}，在{c}做{r}，想多学习数据分析。",
    "Hi all, I'm {n} from {c}, working as {r}, happy to help with Python.",
]


GAP = (5, 900)
"""Seconds between two messages of a group (uniform): about 190 messages a day."""
MESSAGES_PER_DAY = round(86_400 / (sum(GAP) / 2))
"""Messages a group gets in a day, on average."""
QUESTION_RATE = 0.05
ANSWER_RATE = 0.30
OPEN_CONVERSATIONS = 6
"""How many questions are still being answered at once (answers go to one of these)."""
MENTION_RATE = 0.3
"""WhatsApp only: the share of answers that start with ``@asker``."""


@dataclass
class Msg:
    id: int
    when: datetime
    author: int
    text: str
    reply_to: int | None = None
    reactors: tuple[int, ...] = ()
    to: int | None = None  # the author of the message replied to


def members(count: int, rng: random.Random) -> list[str]:
    out = []
    for i in range(count):
        name = f"{rng.choice(NAMES)}{i}"
        out.append(f"{rng.choice(CITIES)}-{rng.choice(ROLES)}-{name}" if i % 3 else name)
    return out


def conversation(n: int, people: list[int], rng: random.Random, start: datetime) -> Iterator[Msg]:
    """One group's messages: interleaved question threads, intros and chatter."""
    when = start
    open_threads: list[tuple[int, int, int]] = []  # (question id, asker, last answer id)
    introduced: set[int] = set()
    answerer: dict[int, int] = {}  # answer id -> its author, for the asker's thanks
    for i in range(1, n + 1):
        when += timedelta(seconds=rng.randint(*GAP))
        author = rng.choice(people)
        roll = rng.random()
        if author not in introduced and roll < 0.3:
            introduced.add(author)
            tpl = rng.choice(INTROS)
            yield Msg(
                i, when, author, tpl.format(n=f"member{author}", c=rng.choice(CITIES), r=rng.choice(ROLES))
            )
        elif roll < QUESTION_RATE:
            _tag, zh, en = rng.choice(TOPICS)
            text = rng.choice(ZH_Q).format(t=zh) if rng.random() < 0.5 else rng.choice(EN_Q).format(t=en)
            open_threads.append((i, author, 0))
            yield Msg(i, when, author, text)
        elif roll < QUESTION_RATE + ANSWER_RATE and open_threads:
            k = rng.randrange(len(open_threads))
            qid, asker, last = open_threads[k]
            if author == asker and last:
                yield Msg(i, when, author, rng.choice(THANKS), reply_to=last, to=answerer.get(last))
                open_threads.pop(k)
                continue
            _tag, zh, en = rng.choice(TOPICS)
            tpl = rng.choice(ZH_A + EN_A)
            reactors = tuple(rng.sample(people, k=min(len(people), rng.randint(0, 3))))
            open_threads[k] = (qid, asker, i)
            answerer[i] = author
            text = tpl.format(t=zh if tpl in ZH_A else en, u=rng.choice(LINKS))
            yield Msg(i, when, author, text, qid, reactors, to=asker)
            if len(open_threads) > OPEN_CONVERSATIONS:
                open_threads.pop(0)
        else:
            yield Msg(i, when, author, rng.choice(CHATTER))


def write_telegram(path: Path, title: str, group_id: int, msgs: Iterator[Msg], names: list[str]) -> None:
    """Stream a Telegram Desktop JSON export without holding it in memory."""
    with path.open("w", encoding="utf-8") as fh:
        fh.write(
            json.dumps({"name": title, "type": "private_supergroup", "id": group_id}, ensure_ascii=False)[:-1]
        )
        fh.write(', "messages": [\n')
        for n, m in enumerate(msgs):
            record: dict[str, object] = {
                "id": m.id,
                "type": "message",
                "date": m.when.strftime("%Y-%m-%dT%H:%M:%S"),
                "date_unixtime": str(int(m.when.timestamp())),
                "from": names[m.author],
                "from_id": f"user{1000000 + m.author}",
                "text": m.text,
            }
            if m.reply_to:
                record["reply_to_message_id"] = m.reply_to
            if m.reactors:
                record["reactions"] = [
                    {
                        "type": "emoji",
                        "count": len(m.reactors),
                        "emoji": "👍",
                        "recent": [
                            {"from": names[r], "from_id": f"user{1000000 + r}", "date": record["date"]}
                            for r in m.reactors
                        ],
                    }
                ]
            fh.write((",\n" if n else "") + json.dumps(record, ensure_ascii=False))
        fh.write("\n]}\n")


def write_whatsapp(path: Path, msgs: Iterator[Msg], names: list[str], seed: int = 7) -> None:
    """Android-style WhatsApp text export: no reply links at all."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as fh:
        for m in msgs:
            text = m.text
            if m.to is not None and rng.random() < MENTION_RATE:
                text = f"@{names[m.to]} {text}"
            fh.write(f"{m.when:%d/%m/%Y, %H:%M} - {names[m.author]}: {text}\n")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--groups", type=int, default=2)
    parser.add_argument("--format", choices=("telegram", "whatsapp"), default="telegram")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    generate(args.out, args.messages, args.members, args.groups, args.format, args.seed)


def generate(out: Path, messages: int, member_count: int, groups: int, fmt: str, seed: int = 7) -> list[Path]:
    rng = random.Random(seed)
    names = members(member_count, rng)
    out.mkdir(parents=True, exist_ok=True)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    written = []
    for g in range(groups):
        per_group = messages // groups + (1 if g < messages % groups else 0)
        people = rng.sample(range(member_count), k=min(member_count, max(2, member_count * 2 // groups)))
        msgs = conversation(per_group, people, random.Random(seed * 1000 + g), start)
        if fmt == "telegram":
            folder = out / f"group-{g:02d}"
            folder.mkdir(exist_ok=True)
            path = folder / "result.json"
            write_telegram(path, f"学习群 {g + 1} / Study group {g + 1}", 1_000_000 + g, msgs, names)
        else:
            path = out / f"WhatsApp Chat with Study group {g + 1}.txt"
            write_whatsapp(path, msgs, names, seed * 1000 + g)
        written.append(path)
    return written


if __name__ == "__main__":
    main()
