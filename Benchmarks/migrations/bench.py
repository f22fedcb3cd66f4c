#!/usr/bin/env python3
"""Migration benchmark: the Swift engine (`runbook` binary) and Google's Python client side by side.

For each size N it seeds N legacy trades into two fresh emulator projects, then runs dry-run,
execute, validate and rollback of the trades v2 migration with each, every phase in its own
process under /usr/bin/time (wall seconds and peak RSS), and prints one table.

    swift build -c release --product runbook
    pip install google-cloud-firestore
    python3 Benchmarks/migrations/bench.py --sizes 20000,100000 --runbook .build/release/runbook

It starts its own emulator on a free port (or uses FIRESTORE_EMULATOR_HOST) and stops it at the end.
"""
import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
EMULATOR = "/usr/lib/google-cloud-sdk/platform/cloud-firestore-emulator/cloud_firestore_emulator"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start_emulator():
    port = free_port()
    log = open(os.path.join(tempfile.gettempdir(), f"bench-emulator-{port}.log"), "w")
    proc = subprocess.Popen([EMULATOR, "start", "--host=127.0.0.1", f"--port={port}"], stdout=log, stderr=log,
                            start_new_session=True)
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as c:
                c.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                if b"Ok" in c.recv(1000):
                    return proc, f"127.0.0.1:{port}"
        except OSError:
            pass
        time.sleep(0.5)
    os.killpg(proc.pid, signal.SIGKILL)
    sys.exit("the emulator did not start within 120 s")


def timed(cmd, env):
    """Runs cmd under /usr/bin/time; returns (wall seconds, peak RSS MiB, CPU seconds, stdout).

    CPU seconds (user + system) of the client process say how much work the client itself does,
    which, unlike wall time, does not depend on how busy the emulator and the machine are."""
    fd, timing = tempfile.mkstemp()
    os.close(fd)
    out = subprocess.run(["/usr/bin/time", "-o", timing, "-f", "%e %M %U %S"] + cmd, env=env, capture_output=True, text=True)
    if out.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed ({out.returncode}):\n{out.stderr[-2000:]}")
    wall, rss, user, system = open(timing).read().split()[-4:]
    os.unlink(timing)
    return float(wall), int(rss) / 1024, float(user) + float(system), out.stdout


def python_phase(args):
    os.environ["FIRESTORE_EMULATOR_HOST"] = args.host
    sys.path.insert(0, HERE)
    import tradeya_py
    from google.cloud import firestore
    client = firestore.Client(project=args.project)
    phase = args.python_phase
    if phase == "dry-run":
        result = tradeya_py.dry_run(client)
    elif phase == "execute":
        result = tradeya_py.execute(client, args.journal)
    elif phase == "validate":
        result = tradeya_py.validate(client)
    else:
        result = tradeya_py.rollback(client, args.journal)
    print(json.dumps(result))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="20000,100000")
    parser.add_argument("--runbook", default=".build/release/runbook")
    parser.add_argument("--python-phase")
    parser.add_argument("--project")
    parser.add_argument("--journal")
    parser.add_argument("--host")
    args = parser.parse_args()
    if args.python_phase:
        return python_phase(args)

    emulator = None
    host = os.environ.get("FIRESTORE_EMULATOR_HOST")
    if not host:
        emulator, host = start_emulator()
    env = dict(os.environ, FIRESTORE_EMULATOR_HOST=host)
    rows = []
    try:
        for n in [int(s) for s in args.sizes.split(",")]:
            stamp = int(time.time())
            swift_project, py_project = f"bswift{n}-{stamp}", f"bpy{n}-{stamp}"
            for project in (swift_project, py_project):
                subprocess.run([sys.executable, os.path.join(HERE, "seed_py.py"), project, str(n)], env=env, check=True)
            state = tempfile.mkdtemp(prefix="bench-state-")
            config = os.path.join(state, "runbook.yaml")
            with open(config, "w") as f:
                f.write(f"environments:\n  bench:\n    project: {swift_project}\n    emulator: {host}\n    protected: false\n")
            common = ["--config", config, "--env", "bench", "--json", "--state-dir", state]
            swift = {
                "dry-run": [args.runbook, "migrate", "--dry-run", "--migration", "2026-11-trades-v2"] + common,
                "execute": [args.runbook, "migrate", "--execute", "--migration", "2026-11-trades-v2", "--baseline-runs", "0"] + common,
                "validate": [args.runbook, "migrate", "--validate-only", "--migration", "2026-11-trades-v2"] + common,
                "rollback": [args.runbook, "rollback"] + common,
            }
            journal = os.path.join(state, "python-journal.sqlite")
            for phase in ("dry-run", "execute", "validate", "rollback"):
                wall, rss, cpu, out = timed(swift[phase], env)
                rows.append(("swift", n, phase, wall, rss, cpu))
                print(f"swift  N={n:>6} {phase:<9} {wall:8.1f} s {n / wall:8.0f} docs/s  RSS {rss:6.1f} MiB  CPU {cpu:6.1f} s", flush=True)
                pcmd = [sys.executable, os.path.abspath(__file__), "--python-phase", phase, "--project", py_project,
                        "--journal", journal, "--host", host]
                wall, rss, cpu, out = timed(pcmd, env)
                rows.append(("python", n, phase, wall, rss, cpu))
                print(f"python N={n:>6} {phase:<9} {wall:8.1f} s {n / wall:8.0f} docs/s  RSS {rss:6.1f} MiB  CPU {cpu:6.1f} s", flush=True)
    finally:
        if emulator:
            os.killpg(emulator.pid, signal.SIGKILL)
    print("\nclient  N        phase      seconds   docs/s   peak RSS MiB   client CPU s")
    for client, n, phase, wall, rss, cpu in rows:
        print(f"{client:<7} {n:<8} {phase:<10} {wall:7.1f} {n / wall:8.0f} {rss:10.1f} {cpu:12.1f}")


if __name__ == "__main__":
    main()
