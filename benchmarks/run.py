"""Benchmark inmail-lint against the prose linter people use today, and print the figures the speed issue asks
for. Run by hand (it is not a test):

    python benchmarks/run.py            # prints the table
    python benchmarks/run.py --readme   # and writes it into README.md

It generates a deterministic corpus (benchmarks/corpus.py), times whole processes on the same files, and
separates start-up from the per-draft cost by timing two sizes.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import write_corpus

ROOT = Path(__file__).resolve().parent.parent
README_START = "<!-- benchmark:start (written by python benchmarks/run.py --readme) -->"
README_END = "<!-- benchmark:end -->"
ENV = {**os.environ, "NO_COLOR": "1", "CI": "1"}


def run(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of one process."""
    start = time.perf_counter()
    process = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    _, _, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    return elapsed, usage.ru_maxrss / 1024


def best(cmd: list[str], cwd: Path, repeat: int) -> tuple[float, float]:
    runs = [run(cmd, cwd) for _ in range(repeat)]
    return min(r[0] for r in runs), max(r[1] for r in runs)


def side_by_side(a: list[str], b: list[str], cwd: Path, pairs: int) -> tuple[float, float, float]:
    """``a`` and ``b`` in turn (A B A B ..., after one of each to warm up), so that a slow spell of the machine
    hits both: the best of each and the median of the pairs' ratios a/b."""
    run(a, cwd), run(b, cwd)
    times = [(run(a, cwd)[0], run(b, cwd)[0]) for _ in range(pairs)]
    return min(t[0] for t in times), min(t[1] for t in times), statistics.median(t[0] / t[1] for t in times)


def inmail(*args: str) -> list[str]:
    return [sys.executable, "-m", "inmail_lint", *args]


def proselint_cmd(folder: Path) -> list[str] | None:
    """proselint (0.16: ``proselint check PATH``) on the same drafts, as plain text files."""
    exe = shutil.which("proselint")
    return None if exe is None else [exe, "check", str(folder / "text")]


def relint_ms() -> float:
    """The language server's work after an edit: lint one typical draft in a warm process (median), through
    the run session as the server does (its config, per-file settings and profiles)."""
    from inmail_lint.run.session import Session

    session = Session()
    path = ROOT / "examples" / "good" / "x.inmail"
    text = (ROOT / "examples" / "good" / "pydata-talk.inmail").read_text(encoding="utf-8")
    for _ in range(20):
        session.lint_text(text + " ", path)
    times = []
    for i in range(300):
        edited = text + " " * (i % 7)  # a new text each time, as after a keystroke
        start = time.perf_counter()
        session.lint_text(edited, path)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def cache_figures(folder: Path, cache: Path, repeat: int) -> dict[str, Any]:
    """``check`` on a folder whose results are all in the cache: replayed from the run's record, side by side with
    ``--version`` (the best of each and the median ratio); the same with the record removed before each run
    (each draft's entry read, the way the first run after any change goes); whether that run imported spaCy;
    and with 10 drafts changed since (each run starts from the full cache and changes 10 drafts anew)."""
    check = ("check", "--isolated", "-q", "--output-format", "concise", "--exit-zero", "--cache-dir", str(cache))
    run(inmail(*check, "."), folder)  # fill it, and record the run
    records = cache / "runs-1"
    if not any(records.glob("*.json")):
        raise SystemExit("the cached run was not recorded: the replay figures would be wrong")
    replayed, version, ratio = side_by_side(inmail(*check, "."), inmail("--version"), folder, 2 * repeat + 1)
    entries = []
    for _ in range(2 * repeat + 1):
        shutil.rmtree(records)
        entries.append(run(inmail(*check, "."), folder)[0])
    probe = (
        "import sys\nfrom inmail_lint.cli.main import main\n"
        f"main({[*check[:-2], '--cache-dir', str(cache), '.']!r})\n"
        "sys.stderr.write('SPACY' if 'spacy' in sys.modules else 'NO-SPACY')\n"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], cwd=folder, capture_output=True, text=True, env=ENV)
    saved = cache.with_name("cache-full")
    shutil.copytree(cache, saved)
    drafts = sorted(folder.glob("*.inmail"))[:: max(1, len(list(folder.glob("*.inmail"))) // 10)][:10]
    originals = {path: path.read_bytes() for path in drafts}
    times = []
    for attempt in range(repeat):
        shutil.rmtree(cache)
        shutil.copytree(saved, cache)
        for path, data in originals.items():
            path.write_bytes(data + f"\nP.S. {attempt}\n".encode())
        times.append(run(inmail(*check, "."), folder)[0])
    for path, data in originals.items():
        path.write_bytes(data)
    return {
        "replayed": replayed,
        "version": version,
        "ratio": ratio,
        "entries": min(entries),
        "spacy": "NO-SPACY" not in loaded.stderr,
        "ten": min(times),
    }


def web_relint_ms() -> float:
    """The web page's work after an edit, in the server: splice the fields into the file and lint it (median)."""
    from inmail_lint.web.service import Workspace

    workspace = Workspace(ROOT / "examples")
    opened = workspace.open("good/pydata-talk.inmail")
    request = {"path": "good/pydata-talk.inmail", "base": opened["base"], "subject": opened["fields"]["subject"]}
    for _ in range(20):
        workspace.lint({**request, "body": opened["fields"]["body"] + " "})
    times = []
    for i in range(300):
        start = time.perf_counter()
        workspace.lint({**request, "body": opened["fields"]["body"] + " " * (i % 7)})
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def _browser() -> tuple[str | None, Any]:
    """The system's Chromium and Playwright's entry point; (None, None) when either is missing."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None, None
    return chromium, sync_playwright


def web_keystroke_ms(keystrokes: int = 120) -> tuple[float, float] | None:
    """Keystroke to updated underlines in the page, in Chromium (p50, p95), typing a typical draft one character
    at a time and waiting for each; None without Chromium and Playwright."""
    chromium, sync_playwright = _browser()
    if chromium is None:
        return None
    import threading

    from inmail_lint.web.httpd import WebServer

    server = WebServer(ROOT / "examples")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    text = (ROOT / "examples" / "good" / "pydata-talk.inmail").read_text(encoding="utf-8").split("---\n", 2)[2]
    args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-sync"]
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=args)
            page = browser.new_context(bypass_csp=True).new_page()
            page.goto(server.url)
            page.wait_for_function("Number(document.body.dataset.lintSeq) >= 1")
            page.fill("#subject", "Your PyData talk on contracts")
            page.fill("#body", text[:-keystrokes])
            page.wait_for_function("window.inmailLint.result.fields.body === document.getElementById('body').value")
            page.evaluate("window.inmailLint.latencies = []")
            page.focus("#body")
            page.keyboard.press("End")
            for ch in text[-keystrokes:]:
                shown = page.evaluate("window.inmailLint.latencies.length")
                page.keyboard.type(ch)
                page.wait_for_function(f"window.inmailLint.latencies.length > {shown}")
            latencies = sorted(page.evaluate("window.inmailLint.latencies"))
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return statistics.median(latencies), latencies[int(len(latencies) * 0.95) - 1]


def extension_round_trip_ms(keystrokes: int = 120) -> tuple[float, float] | None:
    """The browser extension's lint call, from the compose box to the underlines' data and back (content script,
    service worker, ``inmail-lint web``), typing a draft one character at a time into a fixture of LinkedIn's
    InMail form in Chromium; (p50, p95) in ms, None without Chromium and Playwright."""
    chromium, sync_playwright = _browser()
    if chromium is None:
        return None
    import base64
    import hashlib
    import json
    import threading

    from inmail_lint.web.httpd import WebServer

    extension = ROOT / "extension"
    key = base64.b64decode(json.loads((extension / "manifest.json").read_text(encoding="utf-8"))["key"])
    ident = "".join(chr(ord("a") + int(c, 16)) for c in hashlib.sha256(key).hexdigest()[:32])
    page_html = (ROOT / "tests" / "extension_pages" / "inmail.html").read_text(encoding="utf-8")
    server = WebServer(ROOT / "examples", extensions=(ident,))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    text = "Hi Ana, Jane Doe suggested I write. I enjoyed your PyData talk on data contracts. " * 2
    args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-sync"]
    args += [f"--disable-extensions-except={extension}", f"--load-extension={extension}"]
    try:
        with sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
            context = playwright.chromium.launch_persistent_context(
                profile, executable_path=chromium, headless=True, args=args
            )
            context.route("https://www.linkedin.com/**", lambda r: r.fulfill(body=page_html, content_type="text/html"))
            worker = context.service_workers[0] if context.service_workers else context.wait_for_event("serviceworker")
            stored = {"server": f"http://127.0.0.1:{server.server_address[1]}", "token": server.token}
            worker.evaluate(f"chrome.storage.local.set({json.dumps(stored)})")
            page = context.new_page()
            page.goto("https://www.linkedin.com/messaging/compose/")
            page.wait_for_selector("inmail-lint-overlay", state="attached")
            page.fill("input[name=subject]", "Your PyData talk")
            page.click("[role=textbox]")
            count = "JSON.parse(document.documentElement.dataset.inmailLintTimes || '[]').length"
            for ch in text[:keystrokes]:
                shown = page.evaluate(count)
                page.keyboard.type(ch)
                page.wait_for_function(f"{count} > {shown}")
            latencies = sorted(
                json.loads(page.evaluate("document.documentElement.dataset.inmailLintTimes"))[-keystrokes:]
            )
            context.close()
    finally:
        server.shutdown()
        server.server_close()
    return statistics.median(latencies), latencies[int(len(latencies) * 0.95) - 1]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--readme", action="store_true", help="write the table into README.md")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each small measurement (best is kept)")
    parser.add_argument("--repeat-large", type=int, default=2, help="runs of each 10,000-draft measurement")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        small, large = base / "1k", base / "10k"
        write_corpus(small, 1_000)
        write_corpus(large, 10_000)
        one = base / "one"
        write_corpus(one, 1)
        # what linting costs: nothing from the result cache
        check = ("check", "--isolated", "-q", "--output-format", "concise", "--exit-zero", "--no-cache")
        t1k, _ = best(inmail(*check, "."), small, args.repeat)
        cached = cache_figures(small, base / "cache", args.repeat)
        version = cached["version"]
        # one and two processes on 10,000 drafts, alternated so that a slow spell of the machine hits both
        serial, parallel = [], []
        for _ in range(args.repeat_large):
            serial.append(run(inmail(*check, "."), large))
            parallel.append(run(inmail(*check, "--jobs", "2", "."), large))
        t10k, mem10k = min(r[0] for r in serial), max(r[1] for r in serial)
        t10k_j2 = min(r[0] for r in parallel)
        # --no-cache: not cached; side by side with a bare process that imports spaCy
        cold, spacy, cold_ratio = side_by_side(
            inmail(*check, "draft00000.inmail"), [sys.executable, "-c", "import spacy"], one, 2 * args.repeat + 1
        )
        helptime, _ = best(inmail("check", "--help"), base, args.repeat)
        ruletime, _ = best(inmail("rule", "IM201"), base, args.repeat)
        bare, _ = best([sys.executable, "-c", "pass"], base, args.repeat)
        marginal = (t10k - t1k) / 9_000 * 1000
        prose = proselint_cmd(small)
        p1k = p10k = None
        if prose is not None:
            p1k, _ = best(prose, small, 1)
            p10k, _ = best(proselint_cmd(large) or prose, large, 1)
        relint = relint_ms()
        web_relint = web_relint_ms()
        keystroke = web_keystroke_ms()
        extension_trip = extension_round_trip_ms()

    p_marginal = (p10k - p1k) / 9_000 * 1000 if p1k and p10k else None
    rows = [
        ("drafts per second (10,000 drafts, whole process)", f"{10_000 / t10k:,.0f}", "-"),
        ("check on 1,000 drafts, all cached (replayed)", f"{cached['replayed']:.2f} s", f"≤ {3 * version:.2f} s"),
        ("cached 1,000 drafts / --version, side by side (median)", f"{cached['ratio']:.1f}x", "≤ 3x"),
        ("check on 1,000 drafts, all cached, no record (entries read)", f"{cached['entries']:.2f} s", ""),
        ("spaCy imported when all are cached", "yes" if cached["spacy"] else "no", "no"),
        (
            "check on 1,000 drafts, 10 changed",
            f"{cached['ten']:.2f} s",
            f"≤ {cold + 10 * marginal / 1000:.2f} s (cold draft + 10 drafts)",
        ),
        ("marginal cost per draft, nothing cached", f"{marginal:.2f} ms", "≤ 0.6 ms"),
        ("proselint marginal cost per draft", f"{p_marginal:.2f} ms" if p_marginal else "not installed", ""),
        ("speed-up per draft vs proselint", f"{p_marginal / marginal:.1f}x" if p_marginal else "n/a", "≥ 4x"),
        ("10,000 drafts, whole process", f"{t10k:.1f} s", ""),
        ("proselint, 10,000 drafts", f"{p10k:.1f} s" if p10k else "not installed", ""),
        ("speed-up at 10,000 drafts vs proselint", f"{p10k / t10k:.1f}x" if p10k else "n/a", "≥ 4x"),
        ("1,000 drafts, whole process", f"{t1k:.2f} s", ""),
        ("one draft, cold process, not cached", f"{cold:.2f} s", f"≤ {1.1 * spacy:.2f} s (1.1x import spacy)"),
        ("python -c 'import spacy'", f"{spacy:.2f} s", ""),
        ("cold draft / import spacy, side by side (median)", f"{cold_ratio:.2f}x", "≤ 1.1x"),
        ("--version", f"{version:.2f} s", "≤ 0.2 s"),
        ("check --help", f"{helptime:.2f} s", "≤ 0.2 s"),
        ("rule IM201", f"{ruletime:.2f} s", "≤ 0.2 s"),
        ("(for scale: Python start-up, python -c pass)", f"{bare:.2f} s", ""),
        ("peak memory, 10,000 drafts", f"{mem10k:.0f} MB", "≤ 300 MB"),
        ("--jobs 2 vs --jobs 1, 10,000 drafts", f"{t10k / t10k_j2:.2f}x ({t10k_j2:.1f} s)", "≥ 1.7x"),
        ("language server re-lint after an edit", f"{relint:.2f} ms", "≤ 5 ms"),
        ("web page re-lint after an edit (in the server)", f"{web_relint:.2f} ms", "≤ 5 ms"),
        (
            "web page, keystroke to underlines, p50 / p95 (Chromium)",
            f"{keystroke[0]:.0f} / {keystroke[1]:.0f} ms" if keystroke else "no Chromium",
            "p95 ≤ 50 ms",
        ),
        (
            "browser extension, lint round trip, p50 / p95 (Chromium)",
            f"{extension_trip[0]:.0f} / {extension_trip[1]:.0f} ms" if extension_trip else "no Chromium",
            "p95 ≤ 50 ms",
        ),
    ]
    machine = (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"best of {args.repeat} runs ({args.repeat_large} of each 10,000-draft run; proselint once)"
    )
    table = "\n".join(
        [f"Measured on {time.strftime('%Y-%m-%d')}, {machine}.", "", "| figure | measured | target |", "|---|---|---|"]
        + [f"| {a} | {b} | {c} |" for a, b, c in rows]
    )
    print(table)
    if args.readme:
        readme = ROOT / "README.md"
        text = readme.read_text(encoding="utf-8")
        start = text.index(README_START) + len(README_START)
        end = text.index(README_END)
        readme.write_text(text[:start] + "\n" + table + "\n" + text[end:], encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
