"""`heavylegs serve` through Starlette's TestClient: pages, the JSON API (the same bytes as
`why --json`), the check-in's validation and triage, uploads, and the security checks."""

from __future__ import annotations

import io
import json
import re
import shutil
import time
import warnings
from contextlib import redirect_stdout
from datetime import date, timedelta
from pathlib import Path

import pytest

pytest.importorskip("fastapi")

with warnings.catch_warnings():  # Starlette 1.x suggests httpx2; httpx (a test dependency) works the same
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient  # noqa: E402

from heavylegs import cli, sim  # noqa: E402
from heavylegs.api import Workspace  # noqa: E402
from heavylegs.core.logschema import SYMPTOM_CODES  # noqa: E402
from heavylegs.errors import InvalidInput  # noqa: E402
from heavylegs.web.app import create_app  # noqa: E402
from heavylegs.web.security import Guard  # noqa: E402

DATA = Path(__file__).parent / "data" / "activities"
FIT = DATA / "2013-02-06-12-11-14.fit"
LOCAL = "http://127.0.0.1:8765"
END = date(2026, 3, 1)


@pytest.fixture(scope="module")
def base_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("web")
    scenario = sim.Scenario(seed=3, start=END - timedelta(days=7 * 6 - 1), weeks=6, injections=("spike",))
    sim.write_files(sim.simulate(scenario), root / "files")
    with Workspace(root / "home", system_zone="UTC") as ws:
        ws.profile_set({"timezone": "Europe/Berlin"})
        ws.import_paths([root / "files"])
    return root / "home"


@pytest.fixture
def home(base_home: Path, tmp_path: Path) -> Path:
    """A copy of the module's workspace that a test may change."""
    target = tmp_path / "home"
    shutil.copytree(base_home, target)
    return target


def client(home: Path, guard: Guard | None = None, limit: int = 50_000_000, base: str = LOCAL) -> TestClient:
    return TestClient(create_app(home, guard or Guard(csrf="test-csrf"), limit), base_url=base,
                      raise_server_exceptions=False, follow_redirects=False)


def cli_stdout(*argv: str) -> str:
    buf = io.StringIO()
    with redirect_stdout(buf):
        assert cli.main(list(argv)) == 0
    return buf.getvalue()


# -- pages ------------------------------------------------------------------------------

def test_every_page_renders_without_inline_script(home: Path) -> None:
    c = client(home)
    first_id = c.get("/api/activities").json()[0]["id"]
    for url in ("/", "/checkin", "/trends", "/trends?range=all", "/trends?range=1y", "/calendar", "/activities",
                f"/activities/{first_id}", "/import", "/profile", "/gear", "/api/docs"):
        r = c.get(url)
        assert r.status_code == 200, (url, r.text[:300])
        assert "script-src 'self'" in r.headers["content-security-policy"]
        # every script is a file from /static, or a JSON data island (never executed)
        for tag in re.findall(r"<script[^>]*>", r.text):
            assert 'src="/static/' in tag or 'type="application/json"' in tag, (url, tag)
        assert "http://" not in r.text.replace("http://www.w3.org/2000/svg", "") and "https://" not in r.text


def test_today_is_the_why_answer_in_its_order(home: Path) -> None:
    c = client(home)
    page = c.get("/").text
    answer = c.get("/api/why").json()
    assert answer["findings"], "the spike scenario has findings"
    top = answer["findings"][0]
    assert top["evidence"][0]["text"].replace("'", "&#39;") in page
    assert page.index("Likely causes") < page.index(top["fix"][0].replace("'", "&#39;")[:40])
    assert 'href="/checkin?date=' in page and "Check in</a>" in page
    day = date.fromisoformat(answer["date"])
    assert f'href="/?date={(day - timedelta(days=1)).isoformat()}"' in page
    assert f'href="/?date={(day + timedelta(days=1)).isoformat()}"' in page


def test_api_why_is_byte_identical_to_the_cli(home: Path) -> None:
    c = client(home)
    for query, argv in (("", ()), ("?date=2026-02-20", ("--date", "2026-02-20"))):
        web = c.get("/api/why" + query).text
        assert web == cli_stdout("--home", str(home), "why", "--json", *argv)


def test_api_activities_profile_gear_mirror_the_cli(home: Path) -> None:
    c = client(home)
    assert c.get("/api/activities").json() == json.loads(cli_stdout("--home", str(home), "activities", "--json"))
    assert c.get("/api/gear").json() == json.loads(cli_stdout("--home", str(home), "gear", "list", "--json"))
    assert c.get("/api/profile").json() == json.loads(cli_stdout("--home", str(home), "profile", "show", "--json"))
    schema = c.get("/api/openapi.json").json()
    assert {"/api/why", "/api/activities", "/api/checkin", "/api/import", "/api/profile", "/api/gear"} <= set(schema["paths"])


# -- check-in ---------------------------------------------------------------------------

def checkin(c: TestClient, day: date, symptoms: list[str] = (), csrf: str = "test-csrf", **fields: str):  # type: ignore[assignment]
    data = {"csrf": csrf, "date": day.isoformat(), **fields}
    return c.post("/checkin", data={**data, "symptom": list(symptoms)})


def test_checkin_one_sided_swollen_calf_shows_urgent_first_and_no_training_advice(home: Path) -> None:
    c = client(home)
    r = checkin(c, END, ["swelling-left", "calf-pain-one-side"], heaviness="6", set_heaviness="1",
                pain="5", pain_location="left calf")
    assert r.status_code == 303 and r.headers["location"] == f"/?date={END.isoformat()}&saved=1"
    page = c.get(r.headers["location"]).text
    main = page[page.index('<main id="main">'):]
    assert main.index("tier-urgent") < main.index('class="findings"')
    assert "URGENT" in main[:main.index('class="findings"')]
    assert "Likely causes" not in main and 'class="fixes"' not in main
    answer = c.get(f"/api/why?date={END.isoformat()}").json()
    assert answer["training_advice_withheld"] is True and answer["triage"][0]["tier"] == "urgent"
    with Workspace(home) as ws:
        assert ws.log_row(END)["symptoms"] == "swelling-left;calf-pain-one-side"


def test_checkin_validation_gives_the_clis_message(home: Path) -> None:
    c = client(home)
    r = checkin(c, END, sleep_h="30")
    assert r.status_code == 400
    with Workspace(home) as ws, pytest.raises(InvalidInput) as cli_error:
        ws.log_set(END, {"sleep_h": "30"})
    assert f"error: {cli_error.value}" in r.text.replace("&#39;", "'")
    with Workspace(home) as ws:
        assert ws.log_row(END).get("sleep_h") != 30


def test_checkin_never_carries_symptoms_over_and_saves_none(home: Path) -> None:
    c = client(home)
    checkin(c, END - timedelta(days=1), ["swelling-both", "tingling"])
    form = c.get(f"/checkin?date={END.isoformat()}").text
    assert "checked" not in re.sub(r'<input type="checkbox" id="set_[^>]*>', "", form)
    checkin(c, END)
    with Workspace(home) as ws:
        assert ws.log_row(END)["symptoms"] == "none"


def test_checkin_form_labels_every_input_and_offers_every_symptom(home: Path) -> None:
    page = client(home).get("/checkin").text
    ids = re.findall(r'<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*\bid="([^"]+)"', page)
    labels = set(re.findall(r'<label for="([^"]+)"', page))
    assert ids and set(ids) <= labels, set(ids) - labels
    offered = re.findall(r'name="symptom" value="([^"]+)"', page)
    assert sorted(offered) == sorted(SYMPTOM_CODES)
    for kind in ("heaviness", "soreness", "fatigue"):
        assert f'type="range" id="{kind}"' in page


# -- security ---------------------------------------------------------------------------

def test_post_without_csrf_is_refused_and_saves_nothing(home: Path) -> None:
    c = client(home)
    for csrf in ("", "wrong"):
        r = checkin(c, END, ["numbness"], csrf=csrf)
        assert r.status_code == 403 and "security token is missing or stale" in r.text
    assert c.post("/api/checkin", json={"date": END.isoformat(), "values": {"heaviness": "3"}}).status_code == 403
    r = c.post("/api/checkin", json={"date": END.isoformat(), "values": {"heaviness": "3"}},
               headers={"X-CSRF-Token": "test-csrf"})
    assert r.status_code == 200 and r.json()["saved"] == {"heaviness": "3"}
    with Workspace(home) as ws:
        assert "symptoms" not in ws.log_row(END)


def test_foreign_host_and_cross_site_origin_are_refused(home: Path) -> None:
    assert client(home, base="http://evil.example:8765").get("/").status_code == 400
    assert client(home, base="http://localhost:8765").get("/").status_code == 200
    c = client(home)
    r = c.post("/checkin", data={"csrf": "test-csrf", "date": END.isoformat()},
               headers={"Origin": "http://evil.example"})
    assert r.status_code == 403


def test_every_interface_accepts_this_machines_names_only() -> None:
    import socket

    guard = Guard.for_host("0.0.0.0")
    assert socket.gethostname().lower() in guard.hosts and "127.0.0.1" in guard.hosts
    assert "evil.example" not in guard.hosts and guard.token


def test_another_host_needs_the_access_token(home: Path) -> None:
    guard = Guard.for_host("192.168.1.20")
    assert guard.token
    c = client(home, guard, base="http://192.168.1.20:8765")
    assert c.get("/").status_code == 401
    r = c.get(f"/?token={guard.token}")
    assert r.status_code == 200 and "heavylegs_token=" in r.headers["set-cookie"]
    assert c.get("/api/why").status_code == 200  # the cookie now
    assert client(home, guard, base="http://192.168.1.20:8765").get(
        "/api/why", headers={"Authorization": f"Bearer {guard.token}"}).status_code == 200


def test_oversize_upload_is_refused_cleanly(home: Path) -> None:
    c = client(home, limit=10_000)
    r = c.post("/import", data={"csrf": "test-csrf"}, files={"file": ("big.fit", b"\0" * 20_000)})
    assert r.status_code == 413 and "over the limit" in r.text and "Traceback" not in r.text
    assert c.post("/checkin", data={"csrf": "test-csrf", "notes": "x" * 2_000_000}).status_code == 413
    r = c.post("/api/checkin", json={"values": ["heaviness"]}, headers={"X-CSRF-Token": "test-csrf"})
    assert r.status_code == 400 and r.json()["error"].startswith("error: values")
    r = c.post("/api/import", files={"file": ("big.fit", b"\0" * 20_000)}, headers={"X-CSRF-Token": "test-csrf"})
    assert r.status_code == 413 and r.json()["error"].startswith("error: the upload is")
    assert not any((home / "uploads").glob("*/*")), "nothing of a refused upload stays"


def test_path_traversal_reaches_nothing(home: Path, tmp_path: Path) -> None:
    c = client(home)
    for url in ("/static/..%2f..%2fapi.py", "/static/../app.py", "/static/%2e%2e/common.py",
                "/activities/..%2f..%2fetc%2fpasswd", "/static/app.css/../../../etc/passwd"):
        r = c.get(url)
        assert r.status_code in (400, 404), url
        assert "Workspace" not in r.text and "root:" not in r.text
    victim = tmp_path / "victim.fit"
    r = c.post("/import", data={"csrf": "test-csrf"},
               files={"file": (f"../../../../{victim}", FIT.read_bytes())})
    assert r.status_code == 200 and not victim.exists()
    assert "imported 1" in r.text


def test_upload_imports_a_real_fit_file_and_lists_it(home: Path) -> None:
    c = client(home)
    before = len(c.get("/api/activities").json())
    r = c.post("/api/import", files={"file": ("run.fit", FIT.read_bytes())}, headers={"X-CSRF-Token": "test-csrf"})
    assert r.status_code == 200 and r.json()["imported"] == 1, r.text
    acts = c.get("/api/activities").json()
    assert len(acts) == before + 1
    new = max(acts, key=lambda a: a["id"])
    page = c.get(f"/activities/{new['id']}").text
    assert 'class="route"' in page and 'data-chart="hr"' in page
    again = c.post("/api/import", files={"file": ("run.fit", FIT.read_bytes())}, headers={"X-CSRF-Token": "test-csrf"})
    assert again.json()["unchanged"] == 1
    bad = c.post("/api/import", files={"file": ("broken.fit", b"not a fit file at all")},
                 headers={"X-CSRF-Token": "test-csrf"}).json()
    assert bad["failed"] and bad["failed"][0]["path"] == "broken.fit"
    assert c.get("/api/import/progress").json() == {"running": False, "done": 1, "total": 1, "file": "broken.fit"}
    kept = sorted((home / "uploads").glob("*/*/*"))  # the imported file stays as its activity's source
    assert [p.name for p in kept] == ["run.fit"]


def test_delete_an_activity(home: Path) -> None:
    c = client(home)
    first = c.get("/api/activities").json()[0]["id"]
    assert c.post(f"/activities/{first}/delete", data={}).status_code == 403
    assert c.post(f"/activities/{first}/delete", data={"csrf": "test-csrf"}).status_code == 303
    assert first not in [a["id"] for a in c.get("/api/activities").json()]


def test_errors_are_one_line_never_a_traceback(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    c = client(home)
    r = c.get("/?date=2026-13-40")
    assert r.status_code == 400 and "error: date" in r.text and "YYYY-MM-DD" in r.text
    assert c.get("/activities/999999").status_code == 400
    assert c.get("/api/why?date=nope").json()["error"].startswith("error: date")

    def boom(self: Workspace) -> list:
        raise RuntimeError("disk on fire")
    monkeypatch.setattr(Workspace, "gear_list", boom)
    r = c.get("/gear")
    assert r.status_code == 500 and "error: internal error (RuntimeError: disk on fire)" in r.text
    assert "Traceback" not in r.text and 'File "' not in r.text


def test_empty_workspace_says_how_to_start(tmp_path: Path) -> None:
    r = client(tmp_path / "none").get("/")
    assert r.status_code == 200 and "heavylegs import PATH" in r.text


def test_imperial_units_show_miles(home: Path) -> None:
    c = client(home)
    assert " km</td>" in c.get("/activities").text
    r = c.post("/profile", data={"csrf": "test-csrf", "units": "imperial"})
    assert r.status_code == 303
    page = c.get("/activities").text
    assert " mi</td>" in page and " km</td>" not in page
    assert "/mi" in page
    today = c.get("/").text  # the answer's sentences too, not only the tables
    assert re.search(r"\d mi\b", today) and not re.search(r"\d(\.\d)? ?km\b", today), today


def test_trends_follow_a_change_of_the_data(home: Path) -> None:
    c = client(home)
    def heaviness_of_end() -> object:
        page = c.get("/trends?range=4w").text
        data = json.loads(re.search(r'<script type="application/json" id="trend-data">(.*?)</script>', page).group(1))
        return data["heaviness"][data["date"].index(END.isoformat())]
    before = heaviness_of_end()
    assert heaviness_of_end() == before  # the kept series
    new = 9 if before != 9 else 2
    assert checkin(c, END, heaviness=str(new), set_heaviness="1").status_code == 303
    assert heaviness_of_end() == new


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("host", ["127.0.0.1", "0.0.0.0"])
def test_serve_prints_its_address_and_serves(home: Path, host: str) -> None:
    import subprocess
    import sys
    import urllib.error
    import urllib.request

    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "heavylegs.cli", "--home", str(home), "serve", "--port", str(port),
                             "--host", host], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()  # type: ignore[union-attr]
        assert f"at http://{host if host != '0.0.0.0' else '0.0.0.0'}:{port}/" in line, line
        token = re.search(r"\?token=(\S+)", line)
        assert (token is not None) == (host != "127.0.0.1")
        url = f"http://127.0.0.1:{port}/api/why"
        for _ in range(100):
            try:
                if token:
                    with pytest.raises(urllib.error.HTTPError) as refused:
                        urllib.request.urlopen(url, timeout=5)
                    assert refused.value.code == 401
                    url += f"?token={token.group(1)}"
                body = json.loads(urllib.request.urlopen(url, timeout=5).read())
                break
            except urllib.error.URLError as exc:
                if isinstance(exc, urllib.error.HTTPError):
                    raise
                time.sleep(0.1)
        assert body["schema"] == "heavylegs.why/1"
    finally:
        proc.terminate()
        proc.wait(10)


def test_serve_refuses_a_taken_port_in_one_line(home: Path) -> None:
    import socket
    import subprocess
    import sys

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "heavylegs.cli", "--home", str(home), "serve", "--port", str(port)],
                              capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.startswith("error: --port") and len(done.stderr.strip().splitlines()) == 1


def test_activities_are_paged_and_filtered(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from heavylegs.web import activities

    monkeypatch.setattr(activities, "PAGE_SIZE", 10)
    c = client(home)
    every = c.get("/api/activities").json()
    newest_first = [a["id"] for a in sorted(every, key=lambda a: (a["start"][:19], a["id"]), reverse=True)]
    ids = lambda page: [int(i) for i in re.findall(r'href="/activities/(\d+)"', page)]  # noqa: E731
    first, second = c.get("/activities").text, c.get("/activities?page=2").text
    assert ids(first) == newest_first[:10] and ids(second) == newest_first[10:20]
    assert f"page 1 of {-(-len(every) // 10)}" in first and 'rel="next"' in first
    assert ids(c.get("/activities?page=999").text) == newest_first[(-(-len(every) // 10) - 1) * 10:]
    day = every[3]["start"][:10]
    on_day = [a["id"] for a in every if a["start"][:10] == day]
    assert sorted(ids(c.get(f"/activities?since={day}&until={day}").text)) == sorted(on_day)
    assert ids(c.get("/activities?sport=cycling").text) == [a["id"] for a in every if a["sport"] == "cycling"][:10]


def test_an_upload_is_streamed_to_disk_not_held_in_memory(home: Path) -> None:
    """40 MB sent in 64 kB chunks straight to the ASGI app (a test client would hold the
    whole body itself): the server's peak Python memory stays a small fraction of it."""
    import asyncio
    import tracemalloc

    size, chunk = 40_000_000, 65_536
    head = (b'--XyZ\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n'
            b"Content-Type: application/octet-stream\r\n\r\n")
    tail = b"\r\n--XyZ--\r\n"
    def chunks():  # made one at a time, while memory is traced
        yield head
        for n in range(0, size, chunk):
            yield bytes(min(chunk, size - n))
        yield tail
    parts = chunks()
    scope = {"type": "http", "method": "POST", "path": "/api/import", "raw_path": b"/api/import", "query_string": b"",
             "root_path": "", "scheme": "http", "http_version": "1.1", "server": ("127.0.0.1", 8765),
             "client": ("127.0.0.1", 5000), "headers": [
                 (b"host", b"127.0.0.1:8765"), (b"x-csrf-token", b"test-csrf"),
                 (b"content-type", b"multipart/form-data; boundary=XyZ"),
                 (b"content-length", str(len(head) + size + len(tail)).encode())]}
    sent: list[dict] = []

    async def receive() -> dict:
        body = next(parts, None)
        return {"type": "http.request", "body": body or b"", "more_body": body is not None}

    async def send(message: dict) -> None:
        sent.append(message)

    app = create_app(home, Guard(csrf="test-csrf"), 100_000_000)
    tracemalloc.start()
    try:
        asyncio.run(app(scope, receive, send))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert sent[0]["status"] == 200, sent
    report = json.loads(b"".join(m.get("body", b"") for m in sent[1:]))
    assert report["failed"][0]["path"] == "big.bin", report
    assert peak < 8_000_000, f"peak {peak / 1e6:.1f} MB for a 40 MB upload"


def _texts_in_why_order(answer: dict) -> list[str]:
    """The sentences of an answer in the order `heavylegs why` prints them (explain/text.py)."""
    out = [h["message"] for h in answer["triage"]]
    for f in (f for f in answer["findings"] if f.get("role") != "not-shown"):
        out += [e["text"] for e in f["evidence"]]
        out += [] if answer["training_advice_withheld"] else list(f["fix"])
    out += [m["text"] for m in answer.get("markers") or []]
    out += [p["text"] for p in answer["plan"]] + [p["text"] for p in answer["patterns"][:4]]
    out += [r["why"] for r in answer["ruled_out"]]
    out += [n["how"] for n in answer["not_assessed"] if n["missing"] != ["not implemented"]]
    return out + list(answer["notes"])


@pytest.mark.parametrize("red_flag", [False, True])
def test_today_shows_every_sentence_of_why_in_its_order(home: Path, red_flag: bool) -> None:
    import html

    c = client(home)
    if red_flag:
        checkin(c, END, ["swelling-right", "calf-pain-one-side"])
    answer = c.get(f"/api/why?date={END.isoformat()}").json()
    assert bool(answer["triage"]) == red_flag
    page = html.unescape(c.get(f"/?date={END.isoformat()}").text)
    at = [page.find(t) for t in _texts_in_why_order(answer)]
    assert -1 not in at and len(at) > 10
    assert at == sorted(at)
    if red_flag:
        fixes = [fix for f in answer["findings"] for fix in f["fix"]]
        assert not any(fix in page for fix in fixes)


def test_every_input_of_every_page_is_labelled(home: Path) -> None:
    from html.parser import HTMLParser

    class Inputs(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.in_label, self.fors, self.unlabelled = 0, set(), []

        def handle_starttag(self, tag: str, attrs: list) -> None:
            a = dict(attrs)
            if tag == "label":
                self.in_label += 1
                self.fors.add(a.get("for"))
            elif tag in ("input", "select", "textarea") and a.get("type") != "hidden":
                if not (self.in_label or a.get("aria-label") or a.get("id")):
                    self.unlabelled.append(a)
                elif not self.in_label and not a.get("aria-label"):
                    self.unlabelled.append(a)  # checked against the labels' for= at the end

        def handle_endtag(self, tag: str) -> None:
            if tag == "label":
                self.in_label -= 1

    c = client(home)
    first_id = c.get("/api/activities").json()[0]["id"]
    for url in ("/", "/checkin", "/trends", "/calendar", "/activities", f"/activities/{first_id}", "/import",
                "/profile", "/gear"):
        p = Inputs()
        p.feed(c.get(url).text)
        missing = [a for a in p.unlabelled if a.get("id") not in p.fors]
        assert not missing, (url, missing)


def test_gear_is_added_with_the_clis_validation(home: Path) -> None:
    c = client(home)
    r = c.post("/gear", data={"csrf": "test-csrf", "name": "Pegasus", "from": "2026-01-01", "start_km": "480"})
    assert r.status_code == 303
    shoes = c.get("/api/gear").json()
    assert shoes[0]["name"] == "Pegasus" and shoes[0]["km"] > 480 and shoes[0]["crossed_500_km"]
    assert "Pegasus" in c.get("/gear").text
    r = c.post("/gear", data={"csrf": "test-csrf", "name": "Pegasus"})
    assert r.status_code == 400 and "error: name" in r.text and "a name not used by other gear" in r.text
    assert c.post("/gear", data={"name": "X"}).status_code == 403


def test_malformed_or_out_of_order_uploads_are_refused_in_one_line(home: Path) -> None:
    c = client(home)
    file_first = (b'--B\r\nContent-Disposition: form-data; name="file"; filename="a.fit"\r\n\r\nxx\r\n'
                  b'--B\r\nContent-Disposition: form-data; name="csrf"\r\n\r\ntest-csrf\r\n--B--\r\n')
    r = c.post("/import", content=file_first, headers={"content-type": "multipart/form-data; boundary=B"})
    assert r.status_code == 400 and "csrf field must come before its files" in r.text
    r = c.post("/import", content=b"not multipart", headers={"content-type": "text/plain"})
    assert r.status_code == 400 and "not multipart/form-data" in r.text
    r = c.post("/api/import", content=b"--B\r\ngarbage", headers={"content-type": "multipart/form-data; boundary=B",
                                                                 "x-csrf-token": "test-csrf"})
    assert r.status_code == 400 and r.json()["error"].startswith("error: ")
    assert not any((home / "uploads").glob("*/*"))
