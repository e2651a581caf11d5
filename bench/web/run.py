"""`make bench-web`: logged-in users against zhizao under gunicorn on PostgreSQL.

Creates a throwaway PostgreSQL database, loads the 135N plan and the demo data into it,
serves the app with gunicorn (and the background worker beside it, as in production), runs
bench/web/locustfile.py headless, stops everything and drops the database whatever happened.
Percentiles are exact (nearest rank), computed from the response times the locustfile
records. The users ramp up and log in first; the measured window is the BENCH_SECONDS that
follow the last login (locust runs that much longer), and the last line printed is over
the page and API requests of that window, with the logged-in users at their 1 s pace:

    p50_ms=<int> p95_ms=<int> p99_ms=<int> errors=<int>

The figures of every request, logins and ramp-up included, are printed above it.

Environment: BENCH_USERS (50), BENCH_SECONDS (60), BENCH_SPAWN_RATE (2 users/s),
BENCH_WORKERS (2), BENCH_THREADS (4), PG_URL_BASE (postgres://postgres@127.0.0.1:5432),
BENCH_KEEP=1 keeps the temporary directory (logs, locust CSVs, samples), BENCH_STRICT=1
exits 1 when a goal is missed.
"""

from __future__ import annotations

import math
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unicodedata
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
PLAN_FILE = "data/plans/jiaxing-135n.yaml"
SEED = "2023"
GOAL_P95_MS = 200
GOAL_P99_MS = 500
LOGIN_POST = "POST /accounts/login/"  # the request name bench/web/locustfile.py gives it
STOP_TIMEOUT_S = 10


class BenchError(Exception):
    pass


@dataclass(frozen=True)
class Config:
    users: int
    seconds: int
    spawn_rate: int
    workers: int
    threads: int
    pg_url_base: str
    keep: bool
    strict: bool

    @classmethod
    def from_env(cls) -> Config:
        env = os.environ
        return cls(
            users=int(env.get("BENCH_USERS", "50")),
            seconds=int(env.get("BENCH_SECONDS", "60")),
            spawn_rate=int(env.get("BENCH_SPAWN_RATE", "2")),
            workers=int(env.get("BENCH_WORKERS", "2")),
            threads=int(env.get("BENCH_THREADS", "4")),
            pg_url_base=env.get("PG_URL_BASE", "postgres://postgres@127.0.0.1:5432").rstrip("/"),
            keep=env.get("BENCH_KEEP", "") == "1",
            strict=env.get("BENCH_STRICT", "") == "1",
        )


@dataclass(frozen=True)
class Sample:
    started: float  # Unix time
    name: str
    ms: float
    error: str


# --- figures ---------------------------------------------------------------------------


def percentile(sorted_ms: list[float], p: float) -> float:
    """Nearest rank: the smallest response time that p % of the requests did not exceed."""
    if not sorted_ms:
        return 0.0
    return sorted_ms[max(0, math.ceil(p / 100 * len(sorted_ms)) - 1)]


def read_samples(path: Path) -> list[Sample]:
    samples = []
    for line in path.read_text(encoding="utf-8").splitlines():
        started, name, ms, error = line.split("\t", 3)
        samples.append(Sample(float(started), name, float(ms), error))
    return samples


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def ljust(text: str, cells: int) -> str:
    return text + " " * max(0, cells - width(text))


def table(samples: list[Sample]) -> list[str]:
    by_name: dict[str, list[Sample]] = defaultdict(list)
    for s in samples:
        by_name[s.name].append(s)
    rows = [(name, by_name[name]) for name in sorted(by_name)] + [("all requests", samples)]
    name_cells = max(width(name) for name, _ in rows) + 2
    head = ljust("endpoint", name_cells) + "   reqs  errs    avg    p50    p95    p99    max  (ms)"
    lines = [head, "-" * width(head)]
    for name, group in rows:
        ms = sorted(s.ms for s in group)
        errors = sum(1 for s in group if s.error)
        figures = [sum(ms) / len(ms), *(percentile(ms, p) for p in (50, 95, 99)), ms[-1]]
        if name == "all requests":
            lines.append("-" * width(head))
        lines.append(
            ljust(name, name_cells)
            + f"{len(group):>6}{errors:>6}"
            + "".join(f"{round(f):>7}" for f in figures)
        )
    return lines


# --- machine and services --------------------------------------------------------------


def machine() -> str:
    cpu = "unknown CPU"
    ram = "? GiB"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0))
    return f"{cores} cores ({cpu}), {ram} RAM, {platform.system()} {platform.release()}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def pgdb(action: str, cfg: Config, name: str) -> None:
    subprocess.run(
        [sys.executable, "scripts/pgdb.py", action, cfg.pg_url_base, name], cwd=ROOT, check=True
    )


def manage(env: dict[str, str], log: Path, *args: str) -> None:
    started = time.monotonic()
    with log.open("a") as out:
        out.write(f"\n$ manage.py {' '.join(args)}\n")
        out.flush()
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, stdout=out, stderr=out
        )
    if done.returncode != 0:
        raise BenchError(f"manage.py {' '.join(args)} failed:\n{tail(log)}")
    print(f"  manage.py {' '.join(args)}  ({time.monotonic() - started:.1f} s)", flush=True)


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    # Own session, so stopping it also stops the processes it forked (gunicorn's workers).
    with log.open("w") as out:
        return subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def cpu_seconds(pattern: str) -> float:
    """CPU time (user + system) used so far by the live processes whose command line
    contains ``pattern``, from /proc (Linux)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if pattern in cmdline:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def stop(proc: subprocess.Popen[bytes] | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def wait_until_up(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError(f"gunicorn exited with {server.returncode}:\n{tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.25)
    raise BenchError(f"gunicorn did not answer {url} within 60 s:\n{tail(log)}")


# --- the run ---------------------------------------------------------------------------


def bench(cfg: Config, tmp: Path) -> tuple[list[Sample], dict[str, str]]:
    """Set up, serve, load; return the samples and what was measured against."""
    db = f"zhizao_bench_{os.getpid()}"
    database_url = f"{cfg.pg_url_base}/{db}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "ZHIZAO_SECRET_KEY": secrets.token_urlsafe(50),
        "ZHIZAO_DEBUG": "0",
        "ZHIZAO_ALLOWED_HOSTS": "127.0.0.1",
        "ZHIZAO_VAR_DIR": str(tmp / "var"),
    }
    try:
        with psycopg.connect(f"{cfg.pg_url_base}/postgres", connect_timeout=5) as conn:
            row = conn.execute("SHOW server_version").fetchone()
    except psycopg.Error as exc:
        raise BenchError(f"PostgreSQL at {cfg.pg_url_base} is unreachable: {exc}") from exc
    pg_version = str(row[0]).split()[0] if row else "?"

    server = worker = None
    pgdb("create", cfg, db)
    try:
        print(f"== setting up database {db} ==", flush=True)
        setup_log = tmp / "setup.log"
        manage(env, setup_log, "migrate", "--no-input", "-v", "0")
        manage(env, setup_log, "plan_load", PLAN_FILE)
        manage(env, setup_log, "demo_data", "--seed", SEED)
        manage(env, setup_log, "collectstatic", "--no-input", "-v", "0")

        port = free_port()
        host = f"http://127.0.0.1:{port}"
        server_log, worker_log = tmp / "gunicorn.log", tmp / "worker.log"
        server = start(
            [
                *(sys.executable, "-m", "gunicorn", "config.wsgi"),
                *("--bind", f"127.0.0.1:{port}"),
                *("--workers", str(cfg.workers), "--threads", str(cfg.threads)),
                *("--worker-class", "gthread", "--log-level", "warning", "--no-control-socket"),
            ],
            env,
            server_log,
        )
        worker = start([sys.executable, "manage.py", "db_worker"], env, worker_log)
        wait_until_up(f"{host}/accounts/login/", server, server_log)
        print(f"== gunicorn up on {host}; {cfg.users} users for {cfg.seconds} s ==", flush=True)

        samples_file = tmp / "samples.tsv"
        locust_log = tmp / "locust.log"
        watched = {
            "gunicorn": "gunicorn config.wsgi",
            "PostgreSQL": "postgres: ",
            "locust": "locust -f",
        }
        cpu_before = {name: cpu_seconds(p) for name, p in watched.items()}
        started_at = time.monotonic()
        with locust_log.open("w") as out:
            locust = subprocess.Popen(
                [
                    *(sys.executable, "-m", "locust", "-f", "bench/web/locustfile.py"),
                    *("--headless", "--only-summary", "--host", host),
                    *("-u", str(cfg.users), "-r", str(cfg.spawn_rate)),
                    *("-t", f"{cfg.seconds + ramp_up_s(cfg)}s"),
                    # Answers still awaited at the end get this long; the locustfile
                    # records those that never come as errors.
                    *("--stop-timeout", f"{STOP_TIMEOUT_S}s", "--csv", str(tmp / "locust")),
                ],
                cwd=ROOT,
                env={**env, "BENCH_SAMPLES": str(samples_file)},
                stdout=out,
                stderr=subprocess.STDOUT,
            )
            # Sampled just before locust ends (its own CPU is gone once it exits).
            time.sleep(max(0.0, cfg.seconds + ramp_up_s(cfg) - 2))
            cpu_used = {n: cpu_seconds(p) - cpu_before[n] for n, p in watched.items()}
            wall = time.monotonic() - started_at
            # locust exits 1 when any request failed; the figures say so.
            locust.wait(timeout=cfg.seconds + ramp_up_s(cfg) + 120)
        if not samples_file.exists():
            raise BenchError(f"locust recorded nothing:\n{tail(locust_log)}")
        if server.poll() is not None:
            raise BenchError(f"gunicorn died during the run:\n{tail(server_log)}")
        about_cpu = ", ".join(f"{n} {v:.0f} s" for n, v in cpu_used.items())
        cpus = os.cpu_count() or 1
        problems = tail(server_log, 10)
        if problems:
            print(f"-- gunicorn error log (last lines) --\n{problems}", flush=True)
    finally:
        stop(server)
        stop(worker)
        pgdb("drop", cfg, db)

    about = {
        "server": (
            f"gunicorn {version('gunicorn')} config.wsgi, gthread, {cfg.workers} workers × "
            f"{cfg.threads} threads, DEBUG off, access log off"
        ),
        "worker": "manage.py db_worker (django-tasks-db) running beside it",
        "database": f"PostgreSQL {pg_version} at {cfg.pg_url_base.split('@')[-1]}, "
        f"throwaway database {db} (dropped)",
        "cpu": f"{about_cpu} of {wall * cpus:.0f} core-seconds during the run ({wall:.0f} s)",
    }
    return read_samples(samples_file), about


def ramp_up_s(cfg: Config) -> int:
    """Time for every user to start and log in before the measured window begins."""
    return math.ceil(cfg.users / cfg.spawn_rate) + 10


def logged_in(samples: list[Sample]) -> list[Sample]:
    return [s for s in samples if s.name == LOGIN_POST and not s.error]


def after_logins(samples: list[Sample], users: int, seconds: int) -> list[Sample]:
    """The page and API requests started in the ``seconds`` after every user had logged in
    (the measured window); none if some user never got in."""
    logins = logged_in(samples)
    if len(logins) < users:
        return []
    ready = max(s.started + s.ms / 1000 for s in logins)
    return [s for s in samples if ready <= s.started < ready + seconds]


def figures(samples: list[Sample]) -> str:
    ms = sorted(s.ms for s in samples)
    p50, p95, p99 = (round(percentile(ms, p)) for p in (50, 95, 99))
    errors = sum(1 for s in samples if s.error)
    return f"p50_ms={p50} p95_ms={p95} p99_ms={p99} errors={errors}"


def main() -> int:
    cfg = Config.from_env()
    tmp = Path(tempfile.mkdtemp(prefix="zhizao-bench-web-"))
    load_before = os.getloadavg()
    failed = True
    try:
        samples, about = bench(cfg, tmp)
        failed = False
    except (BenchError, subprocess.SubprocessError) as exc:
        print(f"bench-web failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench-web interrupted; everything stopped, database dropped", file=sys.stderr)
        return 130
    finally:
        if (cfg.keep or failed) and any(tmp.iterdir()):
            print(f"(logs kept in {tmp})", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    if not samples:
        print("bench-web failed: no request was made", file=sys.stderr)
        return 1
    steady = after_logins(samples, cfg.users, cfg.seconds)
    ms = sorted(s.ms for s in steady)
    p95 = round(percentile(ms, 95)) if ms else math.inf
    p99 = round(percentile(ms, 99)) if ms else math.inf
    # Users still waiting when locust stopped them, after the window, are not the server's.
    window_end = (max(s.started for s in steady) if steady else math.inf) + 1
    errors = [s for s in samples if s.error and s.started <= window_end]
    span = max(s.started + s.ms / 1000 for s in samples) - min(s.started for s in samples)

    print()
    print(f"machine:   {machine()}; Python {platform.python_version()}")
    print("           load average before the run " + " ".join(f"{x:.2f}" for x in load_before))
    print(f"server:    {about['server']}")
    print(f"worker:    {about['worker']}")
    print(f"database:  {about['database']}")
    print(f"cpu:       {about['cpu']}")
    print(f"data:      {PLAN_FILE}, demo_data --seed {SEED} (synthetic)")
    print(
        f"load:      locust {version('locust')} on the same machine, {cfg.users} users "
        f"(spawn {cfg.spawn_rate}/s), 1 s think time, {cfg.seconds} s; each logs in through "
        "the form as office, leader, kjj, nanhu or haining"
    )
    print()
    print("All requests, logins and ramp-up included:")
    print("\n".join(table(samples)))
    if steady:
        print()
        print(
            f"Measured window: the {len(steady)} requests started in the {cfg.seconds} s "
            "after the last login:"
        )
        print("\n".join(table(steady)))
    if errors:
        print("\nerrors:")
        for (name, error), count in Counter((s.name, s.error) for s in errors).most_common(20):
            print(f"  {count:>5}  {name}  {error}")
    print()
    print(
        f"requests={len(samples)} rps={len(samples) / max(span, 0.001):.1f} "
        f"logged_in={len(logged_in(samples))}/{cfg.users} users"
    )
    print(f"all requests, logins and ramp-up included:  {figures(samples)}")
    if not steady:
        print("bench-web failed: some users were never logged in", file=sys.stderr)
        return 1
    goals = [
        (f"p95 ≤ {GOAL_P95_MS} ms", p95 <= GOAL_P95_MS),
        (f"p99 ≤ {GOAL_P99_MS} ms", p99 <= GOAL_P99_MS),
        ("errors = 0", not errors),
    ]
    print(
        "goals (measured window): "
        + ", ".join(f"{g} {'met' if ok else 'MISSED'}" for g, ok in goals)
    )
    # Percentiles over the measured window; errors over the whole run, logins included.
    p50 = round(percentile(ms, 50))
    print(f"p50_ms={p50} p95_ms={p95} p99_ms={p99} errors={len(errors)}", flush=True)
    return 1 if cfg.strict and not all(ok for _, ok in goals) else 0


if __name__ == "__main__":
    sys.exit(main())
