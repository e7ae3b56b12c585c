"""Conversation fuzzer: many random conversations against a running assistant.

`python -m bot fuzz --url http://localhost:5005` (tests/e2e/test_fuzz.py runs it in `make
test`). Each conversation has a new sender and 1 to 12 messages drawn, in random order, from
what visitors and the widget really send: the NLU training examples, the answer cases'
questions, answers to the intake's and the quiz's questions, the quick replies' payloads,
"stop", those with typos, and noise (gibberish, HTML, a script tag, emoji, other languages,
long text). A third of the conversations start the vacancy intake or the quiz first, so the
forms get the same random input. Seeded: the same seed sends the same conversations.

A turn is a finding when its reply is not 200, empty, the apology (utter_no_reply: an action
failed), or slower than --max-seconds; and a conversation is one when the Rasa server's log
says it tripped the circuit breaker or went round in circles (bot/components/turn_guard.py). Findings
are listed with the conversation up to that turn, so each can be replayed by hand.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import yaml

from bot.components.turn_guard import LOOP_LOGGED
from bot.runtime.launcher import PROJECT
from bot.runtime.texts import response_text
from bot.runtime.web import MAX_TEXT
from bot.tools import CASES

APOLOGY = response_text("utter_no_reply")
# What the Rasa server's log says of a conversation that went wrong (rasa.core.processor and
# bot/components/turn_guard.py), with the sender's id in it.
LOG_FINDINGS = {
    "circuit breaker": re.compile(r"Circuit breaker tripped.*'(fuzz-[\w-]+)'"),
    "loop": re.compile(re.escape(LOOP_LOGGED.split("%s")[0]) + r"(fuzz-[\w-]+)"),
}

# Answers to the intake's and the quiz's questions, valid and invalid.
FORM_ANSWERS = [
    "office manager",
    "secretaresse",
    "een OM",
    "kok",
    "vast",
    "tijdelijk",
    "allebei",
    "32",
    "32 uur",
    "24 uur per week",
    "fulltime",
    "100",
    "zo snel mogelijk",
    "1 maart",
    "volgende maand",
    "31-02-2027",
    "1 januari 2020",
    "Bakkerij Jansen",
    "Notariskantoor De Vries B.V.",
    "x",
    "Jan de Vries",
    "Ilse",
    "jan@bakker.nl",
    "jan@",
    "06 12345678",
    "020 1234567",
    "12345",
    "nee",
    "ja",
    "ja graag",
    "liever niet",
    "misschien",
    "we zoeken iemand die de agenda van de directeur beheert",
    "wat doet een office manager eigenlijk?",
    "hoe lang bewaren jullie dit?",
    "1",
    "3",
]
STOP = ["stop", "laat maar", "ik wil stoppen", "annuleer", "toch niet"]
NOISE = [
    "?????",
    "asdfgh qwerty",
    "kjsdhf kjhsdf",
    "...",
    "!!!",
    "😀👍",
    "🤖?",
    "12345",
    "<b>hallo</b>",
    "<script>alert('x')</script>",
    "' OR 1=1 --",
    '{"intent": "greet"}',
    "/",
    "/restart",
    "/nonsense",
    '/ask_definition{"role": "piloot"}',
    '/ask_definition{"role": }',
    "What does an office manager do?",
    "Was macht eine Sekretärin?",
    "Qu'est-ce qu'une secrétaire ?",
    "¿Qué hace una secretaria?",
    "ok",
    "hm",
    "ja",
    "nee",
    "en?",
    "die",
    "zo iemand",
    "de ander",
    "waarom?",
    "bedankt!",
    "doei",
    "ik",
    "de",
    "a",
    "\u200b?",
    "hallo\nhallo\nhallo",
]


@dataclass
class Material:
    """What the fuzzer draws from, by source."""

    sources: Dict[str, List[str]]
    starters: List[str]  # messages that start the intake or the quiz

    @classmethod
    def load(cls, project: Path = PROJECT) -> "Material":
        examples, starters = [], []
        for path in sorted((project / "data" / "nlu").glob("*.yml")):
            for item in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu") or []:
                lines = [
                    without_entities(line[2:])
                    for line in str(item.get("examples") or "").splitlines()
                    if line.startswith("- ")
                ]
                examples += lines
                if item.get("intent") in ("hire_request", "career_quiz"):
                    starters += lines
        cases = []
        for path in sorted(CASES.glob("answer_cases*.yml")):
            for case in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
                cases += [turn["say"] for turn in case.get("turns") or [case] if turn.get("say")]
        domain = yaml.safe_load((project / "domain.yml").read_text(encoding="utf-8"))
        payloads = sorted(
            {
                button["payload"].replace("{{", "{").replace("}}", "}")
                for variants in domain["responses"].values()
                for variant in variants
                for button in variant.get("buttons") or []
            }
        )
        payloads += [f'/correct_vacancy{{"field": "{slot}"}}' for slot in ("hours", "contact", "description")]
        sources = {
            "example": examples,
            "case": cases,
            "form": FORM_ANSWERS,
            "payload": payloads,
            "stop": STOP,
            "noise": NOISE,
        }
        return cls(sources, starters or examples)


def without_entities(example: str) -> str:
    """A training example as typed: "[secretaresse](role)" and "[OM]{...}" become the word."""
    return re.sub(r"\[([^\]]*)\](\([^)]*\)|\{[^}]*\})", r"\1", example).strip()


def typo(text: str, rng: random.Random) -> str:
    """One to three typing errors: a letter dropped, doubled, swapped or replaced."""
    chars = list(text)
    for _ in range(rng.randint(1, 3)):
        if len(chars) < 2:
            break
        i = rng.randrange(len(chars) - 1)
        kind = rng.choice("drop double swap replace".split())
        if kind == "drop":
            del chars[i]
        elif kind == "double":
            chars.insert(i, chars[i])
        elif kind == "swap":
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
        else:
            chars[i] = rng.choice("abcdefghijklmnopqrstuvwxyz ")
    return "".join(chars).strip() or text


# How often each source is drawn: in a form, its answers more often.
WEIGHTS = {"example": 30, "case": 20, "form": 15, "payload": 10, "stop": 3, "noise": 10, "typo": 12}
IN_FORM_WEIGHTS = dict(WEIGHTS, form=60, stop=6)


def conversation(material: Material, rng: random.Random) -> List[str]:
    """One random conversation's messages."""
    in_form = rng.random() < 1 / 3
    messages = [rng.choice(material.starters)] if in_form else []
    weights = IN_FORM_WEIGHTS if in_form else WEIGHTS
    kinds, chances = zip(*weights.items())
    length = rng.randint(1, 12)
    while len(messages) < length:
        kind = rng.choices(kinds, chances)[0]
        if kind == "typo":
            text = typo(rng.choice(material.sources["example"] + material.sources["case"]), rng)
        else:
            text = rng.choice(material.sources[kind])
        if kind == "noise" and rng.random() < 0.1:
            text = (text + " ") * (MAX_TEXT // (len(text) + 1))  # long, within the limit
        messages.append(text[:MAX_TEXT])
    return messages


@dataclass
class Finding:
    kind: str
    sender: str
    transcript: List[Tuple[str, str]]  # (message, reply) up to the turn that went wrong

    def describe(self) -> str:
        lines = [f"{self.kind}: {self.sender}"]
        for said, reply in self.transcript:
            lines += [f"    > {said[:120]!r}", f"      {reply[:160]!r}"]
        return "\n".join(lines)


@dataclass
class Report:
    conversations: int = 0
    turns: int = 0
    seconds: float = 0.0
    slowest: float = 0.0
    findings: List[Finding] = field(default_factory=list)
    transcripts: Dict[str, List[Tuple[str, str]]] = field(default_factory=dict)

    def counts(self) -> Dict[str, int]:
        counts: Dict[str, int] = {}
        for finding in self.findings:
            counts[finding.kind] = counts.get(finding.kind, 0) + 1
        return counts

    def summary(self) -> str:
        counts = ", ".join(f"{kind} {n}" for kind, n in sorted(self.counts().items())) or "geen"
        return (
            f"{self.turns} beurten in {self.conversations} gesprekken, {self.seconds:.0f} s; "
            f"traagste beurt {self.slowest:.2f} s; bevindingen: {counts}"
        )


def reply_text(messages: list) -> str:
    parts = []
    for message in messages:
        parts.append(str(message.get("text") or ""))
        parts += [str(b.get("title", "")) for b in message.get("buttons") or []]
    return "\n".join(p for p in parts if p)


async def run(
    url: str,
    turns: int,
    seconds: float,
    seed: int,
    workers: int = 2,
    max_seconds: float = 2.0,
    material: Optional[Material] = None,
) -> Report:
    """Send random conversations until `turns` messages were sent or `seconds` passed."""
    import aiohttp

    material = material or Material.load()
    rng = random.Random(seed)
    report = Report()
    webhook = url.rstrip("/") + "/webhooks/rest/webhook"
    deadline = time.monotonic() + seconds
    started = time.monotonic()

    async def talk(session: "aiohttp.ClientSession", messages: List[str]) -> None:
        sender = f"fuzz-{seed}-{uuid.UUID(int=rng.getrandbits(128)).hex[:12]}"
        transcript: List[Tuple[str, str]] = []
        report.transcripts[sender] = transcript
        report.conversations += 1
        for text in messages:
            if report.turns >= turns or time.monotonic() > deadline:
                return
            report.turns += 1
            sent = time.monotonic()
            try:
                async with session.post(webhook, json={"sender": sender, "message": text}) as response:
                    body = await response.json(content_type=None) if response.status == 200 else None
                    status = str(response.status)
            except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
                body, status = None, f"{type(error).__name__}"
            took = time.monotonic() - sent
            report.slowest = max(report.slowest, took)
            reply = reply_text(body or [])
            transcript.append((text, reply if body is not None else f"[{status}]"))
            kind = (
                "error"
                if body is None
                else "empty"
                if not reply.strip()
                else "apology"
                if APOLOGY in reply
                else "slow"
                if took > max_seconds
                else None
            )
            if kind:
                report.findings.append(Finding(kind, sender, list(transcript)))
                if kind != "slow":
                    return  # the rest of this conversation would only repeat it

    async def worker(session: "aiohttp.ClientSession") -> None:
        while report.turns < turns and time.monotonic() < deadline:
            await talk(session, conversation(material, rng))

    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        await asyncio.gather(*(worker(session) for _ in range(workers)))
    report.seconds = time.monotonic() - started
    return report


def read_log(report: Report, log: Path, since: int = 0) -> None:
    """Add the conversations that the Rasa server's log (from byte `since`) names."""
    if not log.exists():
        return
    with open(log, "rb") as file:
        file.seek(since)
        text = file.read().decode("utf-8", "replace")
    named = set()
    for kind, pattern in LOG_FINDINGS.items():
        for sender in pattern.findall(text):
            if (kind, sender) not in named:
                named.add((kind, sender))
                report.findings.append(Finding(kind, sender, report.transcripts.get(sender, [])))


def main(args: argparse.Namespace) -> int:
    log = args.log
    since = log.stat().st_size if log and log.exists() else 0
    report = asyncio.run(run(args.url, args.turns, args.seconds, args.seed, args.workers, args.max_seconds))
    if log:
        read_log(report, log, since)
    for finding in report.findings[: args.show]:
        print(finding.describe(), file=sys.stderr)
    print(report.summary())
    if args.out:
        args.out.write_text(
            json.dumps(
                {
                    "summary": report.summary(),
                    "findings": [
                        {"kind": f.kind, "sender": f.sender, "transcript": f.transcript}
                        for f in report.findings
                    ],
                },
                ensure_ascii=False,
                indent=1,
            ),
            encoding="utf-8",
        )
    return 1 if report.findings else 0
