#!/usr/bin/env python3
"""Writes the seed corpora into fuzz/seeds/<target>/ from the Zoom fixtures and the shipped
templates, in each target's input layout (see the comments at the top of fuzz_targets/*.rs)."""
import glob, json, os, struct

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
bodies = []
for f in sorted(glob.glob(os.path.join(root, "tests/fixtures/zoom/*.json"))):
    with open(f) as fh:
        bodies.append(json.dumps(json.load(fh), separators=(",", ":")).encode())
bodies += [
    b'{"event":"meeting.ended","payload":{"account_id":"a","object":{"id":"5","uuid":"u==","topic":"<b>T&amp;</b>","start_time":"2026-01-01T10:00:00Z","end_time":"2026-01-01T11:00:00Z","timezone":"Asia/Tokyo","duration":60}},"event_ts":1767000000000}',
    b'{"event":"endpoint.url_validation","payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680}',
    b'{"event":"app_deauthorized","payload":{"account_id":"a","user_id":"u","signature":"s","deauthorization_time":"2019-06-17T13:52:28.632Z","client_id":"c"},"event_ts":"1560779548632"}',
    b'{"event":"meeting.started"}',
]
templates = []
for f in sorted(glob.glob(os.path.join(root, "templates/*/*.hbs"))):
    with open(f, "rb") as fh:
        templates.append((os.path.basename(f)[: -len(".hbs")], fh.read()))
keys = ["telegram.html", "email.subject", "email.txt", "email.html", "webhook.json", "log.txt"]
kinds = {"telegram.html": 0, "email.subject": 1, "email.txt": 1, "email.html": 1, "webhook.json": 2, "log.txt": 3}

def write(target, name, data):
    d = os.path.join(here, "seeds", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as fh:
        fh.write(data)

for i, b in enumerate(bodies):
    for mode in (0, 1, 2, 8):
        line = b"1767000000|v0=" + b"0" * 64 if mode & 2 else b""
        write("signature_event", f"body{i}-mode{mode}", bytes([mode]) + struct.pack("<h", 0) + line + b"\n" + b)
    write("signature_event", f"body{i}-stale", bytes([0]) + struct.pack("<h", -301) + b"\n" + b)

for i, (key, src) in enumerate(templates):
    k = keys.index(key)
    write("render", f"validate{i}", bytes([1, k, kinds[key]]) + src + b"\0")
    write("render", f"context{i}", bytes([0, k, kinds[key]]) + src + b"\0" + bodies[i % len(bodies)])
for i, b in enumerate(bodies):
    write("render", f"event{i}", bytes([2 | (5 << 2), 0, 0]) + b"\0" + b)
    key, src = templates[i % len(templates)]
    write("render", f"override{i}", bytes([3, keys.index(key), kinds[key]]) + src + b"\0" + b)

html = [
    b'<b>Weekly sync</b> &amp; <a href="https://zoom.us/j/1?a=1&amp;b=2">join</a> \xf0\x9f\x98\x80\n',
    b"<b>line one\n<i>line two</i>\nline three</b>",
    b"&amp;&amp;&amp;\xf0\x9f\x98\x80\xf0\x9f\x98\x80 <tg-spoiler>s</tg-spoiler> <code>x</code> <pre>y</pre>",
    b"<blockquote>q</blockquote> a<br>b Tom & Jerry 1 < 2",
]
for i, h in enumerate(html):
    for m in (1, 4, 12, 100, 4096):
        write("telegram_split", f"html{i}-max{m}", struct.pack("<H", m) + h * (3 if m < 100 else 1))
for i, (key, src) in enumerate(templates):
    if key == "telegram.html":
        write("telegram_split", f"template{i}", struct.pack("<H", 40) + src)
