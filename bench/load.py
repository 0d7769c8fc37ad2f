"""Load test: N users with think time against a running server on 127.0.0.1, bounded in time.

Each simulated user logs in with its own account, then repeatedly opens one of the pages a clerk,
leader or coordinator opens all day (home, the list, a search, a queue, a case page), waiting 1–3 s
between requests as a person would. At the end it prints p50/p95/p99 per page and overall, and
every error. Nothing is sent anywhere but the given address.

Start the server yourself, as deployed (README, "Deployment"; run collectstatic first), e.g. against
the bench database:
    DEBUG=0 SECRET_KEY=bench ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=0 \\
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/xinfang_bench \\
        .venv/bin/gunicorn config.wsgi -w 3 -b 127.0.0.1:8001
then:
    .venv/bin/python bench/load.py --base http://127.0.0.1:8001 --users 20 --seconds 120 \\
        --login benchclerk:bench --login benchleader:bench
(each --login is an account; users take them in turn). The demo works too:
    .venv/bin/python bench/load.py --base http://127.0.0.1:8000 --login leader:Xinfang@2026 --login clerk:Xinfang@2026
"""
from __future__ import annotations

import argparse
import random
import re
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict

PAGES = [
    ("home", "/"),
    ("list", "/petitions/"),
    ("list, page 20 by due date", "{deep}"),
    ("search by phone", "/petitions/?q={phone}"),
    ("search by name", "/petitions/?q={name}"),
    ("overdue", "/petitions/?overdue=true"),
    ("case page", "{case}"),
]


class User:
    """One person's browser: its own cookies, sent as a TLS-terminating proxy would forward them."""

    def __init__(self, base: str, username: str, password: str, rng: random.Random):
        self.base, self.username, self.password, self.rng = base, username, password, rng
        self.cookies: dict[str, str] = {}
        self.opener = urllib.request.build_opener(NoRedirect)
        self.cases: list[str] = []
        self.deep = "/petitions/?ordering=due_on"

    def request(self, path: str, data: bytes | None = None) -> tuple[int, str, str]:
        headers = {"X-Forwarded-Proto": "https",  # as the proxy says: the session cookie is Secure
                   "Referer": "https://" + urllib.parse.urlsplit(self.base).netloc + "/accounts/login/",
                   "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        request = urllib.request.Request(self.base + path, data=data, headers=headers)
        try:
            response = self.opener.open(request, timeout=60)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status, response.headers.get("Location", ""), response.read().decode("utf-8", "replace")

    def get(self, path: str) -> tuple[int, str]:
        status, _, body = self.request(path)
        return status, body

    def login(self) -> None:
        status, page = self.get("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or not token:
            raise RuntimeError(f"login page answered {status}")
        data = urllib.parse.urlencode({
            "csrfmiddlewaretoken": token.group(1), "username": self.username, "password": self.password,
        }).encode()
        status, location, _ = self.request("/accounts/login/", data)
        if status != 302 or "/accounts/login/" in location:
            raise RuntimeError(f"{self.username} could not log in (HTTP {status})")
        _, listing = self.get("/petitions/")
        self.cases = sorted(set(re.findall(r'href="(/petitions/\d+/)"', listing))) or ["/petitions/"]
        # Page 20 by due date: the lists page by a cursor (docs/architecture.md, "Deep pages"), so follow the
        # "next" link nineteen times once, and request that page in the run.
        for _ in range(19):
            _, page = self.get(self.deep)
            found = re.search(r'rel="next" href="\?([^"]+)"', page)
            if not found:
                break
            self.deep = "/petitions/?" + found.group(1).replace("&amp;", "&")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer to measure, not to follow (a login redirect is reported as such)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def run_user(user: User, until: float, think: tuple[float, float], samples, errors, lock) -> None:
    try:
        user.login()
    except Exception as error:  # noqa: BLE001 - a failed login is an error of the run, reported below
        with lock:
            errors.append(f"{user.username}: {error}")
        return
    while time.monotonic() < until:
        label, template = user.rng.choice(PAGES)
        path = template.format(phone=f"13{user.rng.randrange(10**9):09d}",
                               name=f"居民{user.rng.randrange(1000)}",
                               case=user.rng.choice(user.cases), deep=user.deep)
        started = time.perf_counter()
        status, _ = user.get(urllib.parse.quote(path, safe="/?=&:%"))
        elapsed = time.perf_counter() - started
        with lock:
            samples[label].append(elapsed)
            if status != 200:
                errors.append(f"{label} {path}: HTTP {status}")
        time.sleep(user.rng.uniform(*think))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="http://127.0.0.1:8001")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--think", type=float, nargs=2, default=(1.0, 3.0))
    parser.add_argument("--login", action="append", required=True, help="username:password (repeatable)")
    args = parser.parse_args()
    if urllib.parse.urlsplit(args.base).hostname not in {"127.0.0.1", "localhost"}:
        parser.error("the load test only runs against this machine (127.0.0.1)")
    accounts = [login.split(":", 1) for login in args.login]
    samples: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    lock = threading.Lock()
    until = time.monotonic() + args.seconds
    threads = [
        threading.Thread(target=run_user, args=(User(args.base, *accounts[i % len(accounts)], random.Random(i)),
                                                until, tuple(args.think), samples, errors, lock))
        for i in range(args.users)
    ]
    for thread in threads:
        thread.start()
        time.sleep(0.05)
    for thread in threads:
        thread.join()
    everything = [value for values in samples.values() for value in values]
    print(f"{args.users} users, {args.seconds:.0f} s, {len(everything)} requests, {len(errors)} errors")
    print(f"{'page':28s} {'n':>6s} {'p50':>8s} {'p95':>8s} {'p99':>8s}")
    for label, values in sorted(samples.items()) + [("all", everything)]:
        if values:
            print(f"{label:28s} {len(values):6d} {statistics.median(values) * 1000:6.0f}ms "
                  f"{percentile(values, 0.95) * 1000:6.0f}ms {percentile(values, 0.99) * 1000:6.0f}ms")
    for error in errors[:20]:
        print("error:", error)


if __name__ == "__main__":
    main()
