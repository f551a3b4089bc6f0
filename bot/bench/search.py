"""Search figures: index build time, p50/p99 latency and peak memory (`python -m bot bench`)."""

from __future__ import annotations

import gc
import random
import statistics
import time
import tracemalloc
from dataclasses import replace

from bot.bench.samples import SAMPLE_QUESTIONS, percentile
from bot.config import DEFAULT_DATA_DIR
from bot.report import KnowledgeBase, Report, Section, load_knowledge_base
from bot.search import ReportIndex


def synthetic_kb(base: KnowledgeBase, size: int, seed: int = 7) -> KnowledgeBase:
    """`size` items made by recombining the real items' fields, spread over 100 sections."""
    rng = random.Random(seed)
    real = list(base.items.values())
    sections: list[Section] = []
    per_section = max(1, size // 100)
    count = 0
    for number in range(1, 101):
        items = []
        for _ in range(per_section):
            if count >= size:
                break
            a, b = rng.sample(real, 2)
            items.append(
                replace(
                    a,
                    id=f"syn-{count:05d}",
                    report_id="synthetic",
                    topic_id=f"syn{number}",
                    highlight_id=None,
                    text=a.text[: len(a.text) // 2] + b.text[len(b.text) // 2 :],
                    keywords=a.keywords[:4] + b.keywords[:4],
                    aliases_en=a.aliases_en[:2] + b.aliases_en[:2],
                    people=a.people + b.people,
                )
            )
            count += 1
        sections.append(
            Section(
                f"syn{number}",
                "topic",
                number,
                f"syn{number}",
                f"合成专题{number}",
                "合成",
                "synthetic",
                "synthetic",
                items=tuple(items),
            )
        )
    report = Report("synthetic", "合成报告", "Synthetic", 2023, "广州", "", "", tuple(sections))
    return KnowledgeBase((report,), base.lexicon)


def measure_search(kb: KnowledgeBase, rounds: int) -> dict[str, float]:
    builds = []
    for _ in range(3):  # the median of three: one build is at the mercy of a busy moment
        gc.collect()
        started = time.perf_counter()
        index = ReportIndex(kb)
        builds.append(time.perf_counter() - started)
    build = statistics.median(builds)
    for question in SAMPLE_QUESTIONS:  # warm caches (OpenCC, regexes)
        index.search(question)
    latencies: list[float] = []
    for _ in range(rounds):
        for question in SAMPLE_QUESTIONS:
            index.forget_questions()  # each search as the first of its question: no flattery
            begin = time.perf_counter()
            index.search(question)
            latencies.append(time.perf_counter() - begin)
    tracemalloc.start()
    ReportIndex(kb)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "items": float(len(index.items)),
        "build_s": build,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "peak_mb": peak / 1e6,
    }


def bench_search(quick: bool) -> None:
    base = load_knowledge_base(DEFAULT_DATA_DIR)
    print("search (ReportIndex.search over sample questions)")
    print(
        f"  {'corpus':<10} {'items':>6} {'build s':>8} {'p50 ms':>8} {'p99 ms':>8} {'peak MB':>8}"
    )
    for name, kb, rounds in (
        ("report", base, 50 if quick else 500),
        ("synthetic", synthetic_kb(base, 10_000), 5 if quick else 50),
    ):
        r = measure_search(kb, rounds)
        print(
            f"  {name:<10} {int(r['items']):>6} {r['build_s']:>8.3f} {r['p50_ms']:>8.3f} "
            f"{r['p99_ms']:>8.3f} {r['peak_mb']:>8.1f}"
        )
