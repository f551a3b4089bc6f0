"""Command line: run the bot, check set-up, manage the data, measure answers and speed.

python -m bot                      run (Telegram when TELEGRAM_BOT_TOKEN is set, else console)
python -m bot check                validate configuration and data; exit 0, or 2 with reasons
python -m bot validate [DATA_DIR]  validate the data; print each problem; exit 1 on problems
python -m bot add SOURCE           a new report: ingest it into data/, validate, make the bot reload
python -m bot ingest SOURCE -o OUT a report (.txt, .docx, .html, .pdf) to enriched YAML
python -m bot eval [-v]            answer quality: dev sets (search) beside the test set (the bot)
python -m bot eval --through-bot   every set through the real bot on the local emulator
python -m bot eval --questions F   one question file (the old table, with top-3)
python -m bot eval --dialogues     follow-ups: the dialogues played turn by turn through the bot
python -m bot eval --ingested SOURCE QUESTIONS [--alongside]
                                   a report nobody enriched: ingest SOURCE alone (or beside
                                   data/'s reports) and ask its own QUESTIONS through the bot
python -m bot bench [--quick]      search, index and whole-bot speed figures
python -m bot ask QUESTION         print the answer as the bot would render it
python -m bot aliases export       write the answers fixed in the chat into the reports' YAML
python -m bot wordfreq             regenerate the word-frequency tables (jieba, wordfreq)
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import cast

from dotenv import load_dotenv

from bot.commands import BUILTIN_NAMES
from bot.config import DEFAULT_DATA_DIR, ConfigError, Settings
from bot.ingest import IngestError, ingest
from bot.report import KnowledgeBase, validate_data
from bot.yamlsource import DataValidationError

EXIT_CONFIG = 2


def load_kb(data_dir: Path) -> KnowledgeBase:
    kb, errors = validate_data(data_dir, BUILTIN_NAMES)
    if kb is None:
        raise DataValidationError(errors)
    return kb


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="run the bot (the default)")
    sub.add_parser("check", help="validate configuration and data")
    validate = sub.add_parser("validate", help="validate the report data")
    validate.add_argument("data_dir", nargs="?", type=Path, default=None)
    add = sub.add_parser("add", help="add a report: ingest, validate, reload the running bot")
    add.add_argument("source", type=Path, help="the report as .txt, .docx, .html or .pdf")
    add.add_argument("--id", default=None, help="report id (default: from the file name)")
    ingest_cmd = sub.add_parser(
        "ingest", help="convert a report (.txt, .docx, .html, .pdf) to enriched YAML"
    )
    ingest_cmd.add_argument("source", type=Path)
    ingest_cmd.add_argument("-o", "--output", type=Path, required=True)
    ingest_cmd.add_argument("--id", default=None, help="report id (default: output file stem)")
    ingest_cmd.add_argument(
        "--force", action="store_true", help="overwrite OUT even if it exists (hand edits are lost)"
    )
    evaluate = sub.add_parser("eval", help="answer quality on the evaluation set")
    evaluate.add_argument("--questions", type=Path, default=None, help="one question file only")
    evaluate.add_argument(
        "--through-bot",
        action="store_true",
        help="ask every set through the real bot (the test set always is)",
    )
    evaluate.add_argument(
        "--dialogues",
        type=Path,
        nargs="?",
        const=DIALOGUES,
        default=None,
        metavar="FILE",
        help="play the dialogues (default data/eval/dialogues.yaml) through the real bot",
    )
    evaluate.add_argument(
        "--ingested",
        nargs=2,
        type=Path,
        default=None,
        metavar=("SOURCE", "QUESTIONS"),
        help="ingest SOURCE into a scratch data folder and ask QUESTIONS (positions such as "
        "T1-3) through the bot",
    )
    evaluate.add_argument(
        "--alongside",
        action="store_true",
        help="with --ingested: keep data/'s reports loaded too",
    )
    evaluate.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    bench = sub.add_parser("bench", help="speed figures")
    bench.add_argument("--quick", action="store_true", help="fewer rounds (for smoke tests)")
    bench.add_argument(
        "--only", choices=["search", "bot", "broadcast"], default=None, help="one part only"
    )
    aliases = sub.add_parser("aliases", help="answers fixed in the chat (/stats)")
    aliases.add_argument("action", choices=["list", "export"])
    aliases.add_argument("--database", type=Path, default=None, help="default: DATABASE_PATH")
    sub.add_parser("wordfreq", help="regenerate the general word-frequency table (needs jieba)")
    ask = sub.add_parser("ask", help="answer one question")
    ask.add_argument("question")
    ask.add_argument("--lang", choices=["zh-hans", "zh-hant", "en"], default=None)
    ask.add_argument("--html", action="store_true", help="print Telegram HTML, not plain text")
    return parser


def _data_dir() -> Path:
    import os

    return Path(os.environ.get("DATA_DIR") or DEFAULT_DATA_DIR)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # A .env file in the working directory fills in variables the environment does not set.
    load_dotenv(Path.cwd() / ".env", override=False)
    command = args.command or "run"
    try:
        if command == "validate":
            return cmd_validate(args.data_dir or _data_dir())
        if command == "add":
            return cmd_add(args.source, args.id)
        if command == "ingest":
            return cmd_ingest(args.source, args.output, args.id, args.force)
        if command == "eval" and args.ingested is not None:
            source, questions = args.ingested
            return cmd_eval_ingested(source, questions, args.alongside, args.verbose)
        if command == "eval" and args.dialogues is not None:
            return cmd_eval_dialogues(args.dialogues, args.verbose)
        if command == "eval":
            return cmd_eval(args.questions, args.verbose, args.through_bot)
        if command == "ask":
            return cmd_ask(args.question, args.lang, args.html)
        if command == "wordfreq":
            return cmd_wordfreq()
        if command == "aliases":
            return cmd_aliases(args.action, args.database)
        if command == "bench":
            from bot.bench import run_benchmarks

            return run_benchmarks(quick=args.quick, only=args.only)
        if command == "check":
            return cmd_check()
        return cmd_run()
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"configuration error: {problem}", file=sys.stderr)
        return EXIT_CONFIG
    except DataValidationError as exc:
        for error in exc.errors:
            print(f"data error: {error}", file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and the like
        return 0


def cmd_validate(data_dir: Path) -> int:
    kb, errors = validate_data(data_dir, BUILTIN_NAMES)
    for error in errors:
        print(error)
    if kb is None:
        print(f"{len(errors)} problem(s) in {data_dir}", file=sys.stderr)
        return 1
    items = sum(1 for r in kb.reports for _ in r.items())
    print(f"ok: {len(kb.reports)} report(s), {len(kb.sections)} sections, {items} items")
    return 0


def cmd_ingest(source: Path, output: Path, report_id: str | None, force: bool = False) -> int:
    try:
        parsed = ingest(source, output, report_id or output.stem, force=force)
    except IngestError as exc:
        print(f"ingest error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"ingest error: {exc}", file=sys.stderr)
        return 1
    for warning in parsed.warnings:
        print(f"ingest warning: {warning}", file=sys.stderr)
    print(f"wrote {output}: {len(parsed.topics)} topics, {len(parsed.item_texts())} items")
    print("enriched: " + enrichment_summary(output))
    print(
        "next: python -m bot validate; titles, dates, people, commands … were drafted "
        "automatically and may be improved by hand"
    )
    return 0


def enrichment_summary(output: Path) -> str:
    """How many items got each enriched field, e.g. "date 40/47, people 13/47 …"."""
    import yaml

    document = yaml.safe_load(output.read_text(encoding="utf-8"))
    items = [
        item
        for topic in document["topics"]
        for section in [topic, *topic.get("highlights", [])]
        for item in section.get("items", [])
    ]
    fields = ("date", "people", "organizations", "places", "figures", "keywords")
    return ", ".join(f"{name} {sum(name in i for i in items)}/{len(items)}" for name in fields)


DIALOGUES = Path("dialogues.yaml")  # under DATA_DIR/eval unless given a path of its own
DEV_SETS = (
    "questions.yaml",
    "holdout.yaml",
    "dev-realistic.yaml",
    "dev-hard.yaml",
    "dev-negatives.yaml",
    "dev-offtopic.yaml",
    "dev-topics.yaml",
)
TEST_SET = "test.yaml"


def cmd_eval(questions_path: Path | None, verbose: bool, through_bot: bool = False) -> int:
    """Dev sets are judged on the search (fast, to tune on) unless `through_bot`; the held-out
    test set always on the real bot's replies, so its figures are what users get."""
    import time

    from bot.eval_bot import evaluate_through_bot
    from bot.evaluation import (
        EvalReport,
        comparison_table,
        describe_failure,
        evaluate,
        load_questions,
    )
    from bot.search import ReportIndex

    data_dir = _data_dir()
    kb = load_kb(data_dir)
    eval_dir = data_dir / "eval"
    test_path = (eval_dir / TEST_SET).resolve()
    paths = [questions_path] if questions_path else [eval_dir / n for n in (*DEV_SETS, TEST_SET)]
    index: ReportIndex | None = None
    reports: list[EvalReport] = []
    for path in paths:
        # Positions (T1-3) name items of the first report: a set written from the source text.
        questions = load_questions(path, set(kb.items), positions_in=kb.reports[0])
        if through_bot or path.resolve() == test_path:
            report = evaluate_through_bot(kb, questions, path.stem)
        else:
            started = time.perf_counter()
            index = index or ReportIndex(kb)
            report = evaluate(index, questions, path.stem)
            report.seconds = time.perf_counter() - started
        reports.append(report)
    if questions_path:
        print(f"{questions_path} (judged by {reports[0].via})")
        print(reports[0].table())
    else:
        print(comparison_table(reports))
    print()
    for report in reports:
        how = "through the bot" if report.via == "bot" else "on the search"
        print(f"{report.name}: {len(report.outcomes)} questions {how} in {report.seconds:.1f} s")
    for report in reports:
        misses = report.failures()
        if not misses:
            continue
        print(f"\n{report.name}: {len(misses)} miss(es)" + ("" if verbose else " (-v lists them)"))
        if verbose:
            for outcome in misses:
                print("  " + describe_failure(outcome))
    return 0


def cmd_eval_ingested(source: Path, questions_path: Path, alongside: bool, verbose: bool) -> int:
    """A report added by ingest alone, with no hand enrichment, asked its own questions through
    the real bot: what the next office's report gets on the day it is dropped in."""
    import shutil
    import tempfile

    from bot.eval_bot import evaluate_through_bot
    from bot.evaluation import describe_failure, load_questions

    data_dir = _data_dir()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        shutil.copy(data_dir / "lexicon.yaml", folder)  # shared by every report, as in data/
        (folder / "source").mkdir()
        (folder / "reports").mkdir()
        if alongside:
            shutil.copytree(data_dir / "reports", folder / "reports", dirs_exist_ok=True)
            shutil.copytree(data_dir / "source", folder / "source", dirs_exist_ok=True)
        copied = folder / "source" / source.name
        shutil.copy(source, copied)
        report_id = report_id_for(source)
        ingest(copied, folder / "reports" / f"{report_id}.yaml", report_id)
        kb = load_kb(folder)
        added = next(r for r in kb.reports if r.id == report_id)
        questions = load_questions(questions_path, set(kb.items), positions_in=added)
        report = evaluate_through_bot(kb, questions, questions_path.stem)
    where = "beside data/'s reports" if alongside else "alone"
    print(f"{source.name} ingested {where}; {questions_path} (judged by {report.via})")
    print(report.table())
    print(f"\n{len(report.outcomes)} questions through the bot in {report.seconds:.1f} s")
    misses = report.failures()
    if misses:
        print(f"{len(misses)} miss(es)" + ("" if verbose else " (-v lists them)"))
        if verbose:
            for outcome in misses:
                print("  " + describe_failure(outcome))
    return 0


def cmd_eval_dialogues(path: Path, verbose: bool) -> int:
    """Turn accuracy of the follow-up dialogues, played through the real bot."""
    from bot.eval_dialogues import evaluate_dialogues, load_dialogues

    data_dir = _data_dir()
    kb = load_kb(data_dir)
    if path == DIALOGUES:
        path = data_dir / "eval" / DIALOGUES
    dialogues = load_dialogues(path, set(kb.items))
    report = evaluate_dialogues(kb, dialogues)
    print(f"{path}: {len(dialogues)} dialogues, judged by bot")
    print(report.table())
    print()
    print(
        f"{len(report.outcomes)} turns of {len(dialogues)} dialogues through the bot "
        f"in {report.seconds:.1f} s"
    )
    wrong = report.wrong()
    if wrong:
        print(f"\n{len(wrong)} wrong turn(s)" + ("" if verbose else " (-v lists them)"))
        if verbose:
            for outcome in wrong:
                print("  " + outcome.describe())
    noted = [o for o in report.outcomes if o.right and o.note]
    if verbose and noted:
        print(f"\n{len(noted)} right turn(s) accepted by a rule beyond the plain reading:")
        for outcome in noted:
            print(f"  {outcome.describe()} — {outcome.note}")
    return 0


def cmd_ask(question: str, language: str | None, as_html: bool) -> int:
    from bot.normalize import detect_script
    from bot.render import render_answer, section_title, to_plain
    from bot.search import ReportIndex
    from bot.texts import Language, choose_language, texts_for

    kb = load_kb(_data_dir())
    index = ReportIndex(kb)
    result = index.search(question)
    lang: Language = (
        cast(Language, language) if language else choose_language(None, detect_script(question))
    )
    texts = texts_for(lang)
    answer = render_answer(kb, result, texts)
    print(answer if as_html else to_plain(answer))
    if result.kind == "none" and result.suggestions:
        topics = (f"/{s.command} {section_title(s, texts)}" for s in result.suggestions)
        print("→ " + " · ".join(topics))
    return 0


def cmd_check() -> int:
    settings = Settings.from_env()
    kb = load_kb(settings.data_dir)
    items = sum(1 for r in kb.reports for _ in r.items())
    print(f"configuration ok: mode {settings.mode}, data {settings.data_dir} ({items} items)")
    return 0


def cmd_run() -> int:
    from bot.main import run

    return run()


def cmd_wordfreq() -> int:
    from bot.wordfreq import (
        ENGLISH_TABLE,
        TABLE,
        build_english_table,
        build_table,
        jieba_dictionary,
        wordfreq_english,
    )

    source = jieba_dictionary()
    TABLE.write_text(build_table(source.read_text(encoding="utf-8").splitlines()), "utf-8")
    print(f"wrote {TABLE} from {source}")
    ENGLISH_TABLE.write_text(build_english_table(wordfreq_english()), "utf-8")
    print(f"wrote {ENGLISH_TABLE} from the wordfreq package")
    return 0


def cmd_aliases(action: str, database: Path | None) -> int:
    from bot.aliases import export_aliases
    from bot.storage import Storage

    settings = Settings.from_env()
    path = database or settings.database_path
    if not path.exists():
        print(f"no database at {path}; set DATABASE_PATH or pass --database", file=sys.stderr)
        return 1
    with Storage(path) as storage:
        learned = storage.learned_aliases()
    if action == "list":
        for alias in learned:
            print(f"{alias.item_id}\t{alias.question}\t{alias.learned_at:%Y-%m-%d}")
        print(f"{len(learned)} learned alias(es)")
        return 0
    try:
        result = export_aliases(settings.data_dir, learned)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 1
    for file, count in result.written.items():
        print(f"{file}: {count} alias(es) added")
    print(f"{sum(result.written.values())} added, {result.already} already in the data")
    if result.unknown:
        print(f"no longer in the data (skipped): {', '.join(sorted(set(result.unknown)))}")
    print("review the diff, then /reload or restart the bot")
    return 0


def report_id_for(source: Path) -> str:
    """A report id from a file name, letters first: 2024-shenzhen-report.docx → shenzhen2024
    (report ids are ^[a-z0-9_]{1,16}$, and item ids made from them take no "_")."""
    words = [w for w in re.split(r"[^a-z0-9]+", source.stem.lower()) if w and w != "report"]
    return "".join(sorted(words, key=str.isdigit))[-16:] or "report"


def cmd_add(source: Path, report_id: str | None) -> int:
    """Drop a report's file into data/source/, run this, and the bot answers about it: the file
    is ingested and enriched into data/reports/<id>.yaml, the whole data folder is validated,
    and a running bot (polling or webhook) reloads at once."""
    import os
    import shutil
    import signal

    from bot.main import pid_path

    settings = Settings.from_env()
    data_dir = settings.data_dir
    report_id = report_id or report_id_for(source)
    target = data_dir / "source" / source.name
    if source.resolve() != target.resolve():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, target)
    output = data_dir / "reports" / f"{report_id}.yaml"
    if cmd_ingest(target, output, report_id) != 0:
        return 1
    _, errors = validate_data(data_dir, BUILTIN_NAMES)
    if errors:
        output.unlink()
        for error in errors:
            print(error, file=sys.stderr)
        print(f"{output} removed: the data would not validate; fix the source and run again")
        return 1
    print(f"ok: {output.relative_to(data_dir)} validates with the other reports")
    pid_file = pid_path(settings)
    if pid_file.exists() and hasattr(signal, "SIGHUP"):
        pid = int(pid_file.read_text(encoding="utf-8").strip() or 0)
        try:
            os.kill(pid, signal.SIGHUP)
        except (ProcessLookupError, PermissionError, ValueError):
            print(f"no running bot at pid {pid}; the report is served from the next start")
        else:
            print(f"the running bot (pid {pid}) is reloading; it answers about the report now")
            return 0
    print("start the bot (python3 dev.py start), or send /reload to a running one")
    return 0
