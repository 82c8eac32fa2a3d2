"""The HTTP runner: the app and the floor app under gunicorn on 127.0.0.1, measured with wrk.

Both servers run with workers = cores, side by side for the whole run. For each page wrk runs for
`duration` seconds with `connections` connections; the floor (`bench/floor.py`, a bare Flask +
Flask-Login page) is measured before each role's pages, and each page's rps is reported as a ratio
to the median floor rps of the run, with p50, p99 and the count of non-2xx/3xx answers.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass

from bench.generate import PASSWORD
from bench.inprocess import CSRF


@dataclass
class Run:
    role: str
    name: str
    rps: float
    p50_ms: float
    p99_ms: float
    non_2xx: int


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(target: str, port: int, url: str, workers: int) -> subprocess.Popen:
    env = {**os.environ, "BENCH_DATABASE_URL": url, "APP_ENV": "production"}
    cmd = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
           "--timeout", "60", "--log-level", "warning", target]
    proc = subprocess.Popen(cmd, env=env, start_new_session=True)  # noqa: S603 - our own command line
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"{target} did not start on port {port}")


def _session_cookie(base: str, email: str | None, *, floor: bool = False) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    if email is None:
        return ""
    fields = {"email": email, "password": PASSWORD}
    if not floor:
        page = opener.open(f"{base}/login", timeout=30).read().decode()
        fields["csrf_token"] = CSRF.search(page).group(1)
    opener.open(urllib.request.Request(  # noqa: S310 - http://127.0.0.1 built here
        f"{base}/login", data=urllib.parse.urlencode(fields).encode()), timeout=30)
    return "; ".join(f"{c.name}={c.value}" for c in jar)


_LAT = re.compile(r"^\s+(50|99)(?:\.000)?%\s+([\d.]+)(us|ms|s)\s*$", re.M)


def _wrk(url: str, headers: dict, duration: int, connections: int) -> tuple[float, float, float, int]:
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--timeout", "30s", "--latency", url]
    for k, v in headers.items():
        cmd[1:1] = ["-H", f"{k}: {v}"]
    out = subprocess.run(cmd, capture_output=True,  # noqa: S603 - wrk with our arguments
                         text=True, timeout=duration + 60, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = {}
    for pct, value, unit in _LAT.findall(out):
        lat[pct] = float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*timeout (\d+)", out)
    return rps, lat.get("50", float("nan")), lat.get("99", float("nan")), (int(bad.group(1)) if bad else 0) + (
        int(errors.group(1)) if errors else 0)


def main(db_url: str, cast, *, duration: int = 5, connections: int = 4) -> int:
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian: apt-get install wrk)")
        return 2
    workers = os.cpu_count() or 1
    app_port, floor_port = _free_port(), _free_port()
    servers = [_serve("bench.app:wsgi()", app_port, db_url, workers),
               _serve("bench.floor:wsgi()", floor_port, db_url, workers)]
    try:
        app_base, floor_base = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{floor_port}"
        cookies = {role: _session_cookie(app_base, email) for role, email in cast.emails.items()}
        floor_cookie = _session_cookie(floor_base, cast.emails["trainee"], floor=True)
        floors: list[Run] = []
        runs: list[Run] = []
        last_role = None
        for page in cast.pages:
            if page.role != last_role:  # the floor again before each role's pages: drift shows in its spread
                floors.append(Run("(floor)", "bare Flask-Login page",
                                  *_wrk(f"{floor_base}/floor", {"Cookie": floor_cookie}, duration, connections)))
                last_role = page.role
            headers = dict(page.headers)
            if cookies.get(page.role):
                headers["Cookie"] = cookies[page.role]
            runs.append(Run(page.role, page.name, *_wrk(app_base + page.url, headers, duration, connections)))
    finally:
        for proc in servers:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
    floor_rps = statistics.median(f.rps for f in floors)
    floor_p99 = statistics.median(f.p99_ms for f in floors)
    print(f"gunicorn --workers {workers} on 127.0.0.1; wrk -t1 -c{connections} -d{duration}s per page")
    print(f"floor: median {floor_rps:.0f} rps (min {min(f.rps for f in floors):.0f}, "
          f"max {max(f.rps for f in floors):.0f}), p99 {floor_p99:.1f} ms")
    head = f"{'role':<11} {'page':<24} {'rps':>8} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>7} {'x floor':>7} {'p99/floor':>9}"
    print(head)
    print("-" * len(head))
    for r in runs:
        print(f"{r.role:<11} {r.name:<24} {r.rps:>8.1f} {r.p50_ms:>8.1f} {r.p99_ms:>8.1f} {r.non_2xx:>7} "
              f"{r.rps / floor_rps:>7.3f} {r.p99_ms / floor_p99:>9.1f}")
    return 1 if any(r.non_2xx for r in runs) else 0
