"""A deterministic corpus of realistic drafts for the benchmark: a seeded mix of good and bad, short and long,
front matter, header and plain drafts, with and without profiles, some templates."""

from __future__ import annotations

import random
from pathlib import Path

FIRST = ["Ana", "Tom", "Priya", "Marek", "Sofia", "Chen", "Laura", "Omar", "Kenji", "Fatima", "Lena", "Diego"]
LAST = ["Kowalski", "Nguyen", "Shah", "Novak", "Rossi", "Li", "Garcia", "Haddad", "Sato", "Okafor", "Berg"]
COMPANIES = ["Globex", "Initech", "Hooli", "Umbrella", "Stark Industries", "Wayne Enterprises", "Acme", "Vandelay"]
TOPICS = ["data contracts", "Kafka migrations", "design systems", "SOC 2 audits", "pricing pages", "on-call"]
GROUPS = ["PyData Warsaw", "Rust Berlin", "Product Led Growth", "dbt Community"]

OPENERS_GOOD = [
    "{mutual} suggested I reach out.",
    "I enjoyed your post on {topic}, especially the part about ownership.",
    "We both worked at {past}, a few years apart.",
    "Fellow member of the {group} group here.",
    "Congrats on the new role at {company}!",
    "I watched your talk on {topic} last week.",
]
OPENERS_BAD = [
    "I hope this message finds you well.",
    "I came across your profile and thought you would be a great fit.",
    "My name is Chris and I am a recruiter at TalentWave.",
    "I wanted to reach out about an exciting opportunity.",
    "We are a fast-growing company backed by top investors.",
]
MIDDLES = [
    "We hit the same problem at {sender_company} last quarter and ended up building a small tool for it.",
    "Our platform is GUARANTEED to cut your costs, and this is a limited time offer!!",
    "I lead the platform team at {sender_company}, and we are halfway through the same move.",
    "The role offers a competitive salary, hybrid work and great benefits for the right person.",
    "We help companies like yours grow revenue with AI-powered outreach and automation at scale.",
    "I would value your take on how you structured the rollout and what you would do differently.",
]
ASKS = [
    "Would you be open to a 15-minute call next week?",
    "Could I ask you one question about it?",
    "Let me know if you are interested.",
    "Book a demo here: https://example.com/demo",
    "",
]
SUBJECTS_GOOD = ["Your post on {topic}", "{mutual} suggested I write", "Fellow {past} alum", "{first}, a question"]
SUBJECTS_BAD = [
    "Exciting opportunity!",
    "Partnership opportunity",
    "RE: our conversation",
    "SPECIAL OFFER FOR YOU",
    "A question about the work your team has been doing recently on {topic}",
]


def draft(rng: random.Random) -> str:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    values = {
        "first": first,
        "mutual": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
        "topic": rng.choice(TOPICS),
        "past": rng.choice(COMPANIES),
        "company": rng.choice(COMPANIES),
        "group": rng.choice(GROUPS),
        "sender_company": rng.choice(COMPANIES),
    }
    good = rng.random() < 0.5
    subject = rng.choice(SUBJECTS_GOOD if good else SUBJECTS_BAD).format(**values)
    greeting = f"Hi {first}," if good or rng.random() < 0.5 else rng.choice(["Dear Sir/Madam,", "Hi there,", "Hello,"])
    paragraphs = [rng.choice(OPENERS_GOOD if good else OPENERS_BAD).format(**values)]
    for _ in range(rng.choice([1, 1, 2, 3, 6])):  # some long ones
        paragraphs.append(rng.choice(MIDDLES).format(**values))
    ask = rng.choice(ASKS)
    body = f"{greeting}\n\n" + " ".join(paragraphs) + (f"\n\n{ask}" if ask else "") + "\n\nBest,\nSam\n"
    style = rng.random()
    if rng.random() < 0.1:  # a template
        body = body.replace(first, "{{first_name}}", 1)
        return f'---\nsubject: "{subject}"\ntemplate: true\n---\n{body}'
    if style < 0.4:
        profile = (
            f"recipient: {{name: {first} {last}, company: {values['company']}, "
            f"mutual_connections: [{values['mutual']}]}}"
        )
        return f'---\nsubject: "{subject}"\n{profile}\n---\n{body}'
    if style < 0.9:
        return f"Subject: {subject}\n\n{body}"
    return body


def write_corpus(folder: Path, count: int, seed: int = 2026) -> list[Path]:
    """``count`` drafts in ``folder`` (and the same bodies as plain text in ``folder/text`` for other linters)."""
    rng = random.Random(seed)
    (folder / "text").mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        text = draft(rng)
        path = folder / f"draft{i:05d}.inmail"
        path.write_text(text, encoding="utf-8")
        (folder / "text" / f"draft{i:05d}.txt").write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
