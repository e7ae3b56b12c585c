"""End-to-end answer check against a running assistant: tests/cases/answer_cases*.yml.

Each case is one conversation with a fresh sender id. A turn passes when the whole reply
(texts and button titles, lower case, accents folded) holds at least one substring of every
`must` group and nothing of `must_not`. `python -m bot answers [--url ...] [--cases ...]`.
"""

from __future__ import annotations

import argparse
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Dict, List, Tuple

import requests
import yaml

from actions.knowledge import fold
from bot.tools import CASES

DEFAULT_CASES = CASES / "answer_cases.yml"


def reply_text(messages: List[dict]) -> str:
    parts = []
    for message in messages:
        parts.append(message.get("text") or "")
        parts += [str(b.get("title", "")) for b in message.get("buttons") or []]
    return fold("\n".join(parts))


def turn_passes(turn: dict, text: str) -> bool:
    groups = [[g] if isinstance(g, str) else g for g in turn.get("must", [])]
    has_all = all(any(fold(str(s)) in text for s in group) for group in groups)
    return (
        text.strip() != ""
        and has_all
        and not any(fold(str(s)) in text for s in turn.get("must_not", []) or [])
    )


def run_case(url: str, case: dict) -> Tuple[bool, List[str]]:
    sender = f"answers-{case['id']}-{uuid.uuid4().hex[:6]}"
    turns = case.get("turns") or [case]
    failures = []
    for turn in turns:
        response = requests.post(
            f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": turn["say"]}, timeout=30
        )
        text = reply_text(response.json() if response.status_code == 200 else [])
        if not turn_passes(turn, text):
            failures.append(f"{case['id']}: {turn['say']!r} -> {text[:200]!r}")
    return not failures, failures


def evaluate(url: str, cases_file: Path = DEFAULT_CASES) -> Tuple[float, Dict[str, List[int]], List[str]]:
    cases = yaml.safe_load(cases_file.read_text(encoding="utf-8"))
    by_category: Dict[str, List[int]] = defaultdict(lambda: [0, 0])
    failures: List[str] = []
    for case in cases:
        ok, failed = run_case(url, case)
        by_category[case["cat"]][0] += ok
        by_category[case["cat"]][1] += 1
        failures += failed
    passed = sum(p for p, _ in by_category.values())
    return passed / len(cases), dict(by_category), failures


def main(args: argparse.Namespace) -> int:
    """`python -m bot answers`: exit code 1 when the share of cases passed is below --floor."""
    share, by_category, failures = evaluate(args.url, args.cases)
    for line in failures:
        print("FOUT", line)
    for category, (passed, total) in sorted(by_category.items()):
        print(f"{category:<22} {passed:>3}/{total:<3} {passed / total:6.1%}")
    print(f"totaal {share:.1%}")
    if share < args.floor:
        print(f"ONDER DE ONDERGRENS: {share:.1%} < {args.floor:.1%}")
        return 1
    return 0
