#!/usr/bin/env python3
"""Drives the HTTP benchmark (see run.sh): wrk against runbook, nginx and FlyingFox on loopback,
then SSE fan-out latency and idle keep-alive memory for runbook. Prints a Markdown table.

Every loop here is bounded by a count and a deadline; every server is bound to 127.0.0.1 and
killed on exit."""
import argparse
import datetime
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

PROCS = []


def log(msg):
    print(f"bench: {msg}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(cmd, logfile, **kw):
    proc = subprocess.Popen(cmd, stdout=open(logfile, "w"), stderr=subprocess.STDOUT, start_new_session=True, **kw)
    PROCS.append(proc)
    return proc


def stop_all():
    for proc in PROCS:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    deadline = time.time() + 15
    for proc in PROCS:
        try:
            proc.wait(timeout=max(0.1, deadline - time.time()))
        except subprocess.TimeoutExpired:
            proc.kill()


def http_get(port, path, timeout=2.0):
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ")[1]), body


def wait_ready(port, path, proc, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"bench: server exited early ({proc.args[0]}), see its log")
        try:
            status, _ = http_get(port, path)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"bench: {proc.args[0]} did not answer {path} on port {port} within {seconds}s")


def rss_mb(pid, include_children=False):
    pids = [pid]
    if include_children:
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as f:
                        if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                            pids.append(int(entry))
                except OSError:
                    pass
    total = 0
    for p in pids:
        with open(f"/proc/{p}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def wrk(url, duration, connections):
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "5s", "--latency", url]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 30).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = {}
    for pct, value, unit in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M):
        lat[pct] = float(value) * UNITS[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: (.*)", out)
    return {"rps": rps, "p50": lat.get("50"), "p99": lat.get("99"),
            "errors": (int(errors.group(1)) if errors else 0), "socket": sock.group(1) if sock else ""}


# ---------------------------------------------------------------- SSE fan-out


class SSEClient:
    """Reads one event stream: strips chunked framing, splits events, stamps arrival times."""

    def __init__(self, sock):
        self.sock = sock
        self.raw = b""
        self.head_done = False
        self.chunked = False
        self.text = b""
        self.events = []  # (id, data, arrival)
        self.closed = False

    def feed(self, data, now):
        self.raw += data
        if not self.head_done:
            end = self.raw.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.raw[:end].lower()
            self.chunked = b"transfer-encoding: chunked" in head
            self.raw = self.raw[end + 4:]
            self.head_done = True
        if self.chunked:
            while True:
                line_end = self.raw.find(b"\r\n")
                if line_end < 0:
                    break
                size = int(self.raw[:line_end].split(b";")[0] or b"0", 16)
                if len(self.raw) < line_end + 2 + size + 2:
                    break
                self.text += self.raw[line_end + 2:line_end + 2 + size]
                self.raw = self.raw[line_end + 2 + size + 2:]
        else:
            self.text += self.raw
            self.raw = b""
        while True:
            end = self.text.find(b"\n\n")
            if end < 0:
                break
            block, self.text = self.text[:end], self.text[end + 2:]
            event_id, data = None, []
            for line in block.split(b"\n"):
                if line.startswith(b"id:"):
                    event_id = line[3:].strip().decode()
                elif line.startswith(b"data:"):
                    data.append(line[5:].strip().decode())
            if event_id is not None or data:
                self.events.append((event_id, "\n".join(data), now))


def publish_time(data):
    """The publish time carried in the event, when it is precise enough to measure with."""
    try:
        return float(data)
    except ValueError:
        pass
    if "." not in data:
        return None  # whole seconds: too coarse for millisecond latencies
    try:
        return datetime.datetime.fromisoformat(data.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def percentile(values, pct):
    values = sorted(values)
    if not values:
        return float("nan")
    index = min(len(values) - 1, max(0, int(round(pct / 100 * len(values) + 0.5)) - 1))
    return values[index]


def sse_test(port, pid, clients, seconds):
    conns = {}
    epoll = select.epoll()
    connect_deadline = time.time() + 60
    for _ in range(clients):
        if time.time() > connect_deadline:
            break
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.sendall(b"GET /events HTTP/1.1\r\nHost: bench\r\nAccept: text/event-stream\r\n\r\n")
        s.setblocking(False)
        conns[s.fileno()] = SSEClient(s)
        epoll.register(s.fileno(), select.EPOLLIN)
    all_connected = time.time()
    log(f"sse: {len(conns)} clients connected; listening {seconds}s")
    deadline = all_connected + seconds
    rss = None
    while time.time() < deadline:
        for fd, _ in epoll.poll(0.2):
            now = time.time()
            client = conns[fd]
            try:
                data = client.sock.recv(65536)
            except BlockingIOError:
                continue
            if not data:
                client.closed = True
                epoll.unregister(fd)
                continue
            client.feed(data, now)
        if rss is None and time.time() > all_connected + seconds / 2:
            rss = rss_mb(pid)
    # Events published after everyone was connected: each client should have every one.
    arrivals = {}
    for client in conns.values():
        for event_id, data, arrival in client.events:
            arrivals.setdefault((event_id, data), []).append(arrival)
    # ... and published at least a second before the window closed, so slow readers are not cut off.
    measured = {k: v for k, v in arrivals.items() if all_connected + 0.05 < min(v) < deadline - 1.0}
    latencies, absolute = [], True
    for (event_id, data), times in measured.items():
        published = publish_time(data)
        if published is None:
            absolute = False
            published = min(times)
        latencies += [(t - published) * 1000 for t in times]
    expected = len(measured) * len(conns)
    closed = sum(1 for c in conns.values() if c.closed)
    for client in conns.values():
        client.sock.close()
    epoll.close()
    return {"clients": len(conns), "events": len(measured), "deliveries": len(latencies), "expected": expected,
            "p50": percentile(latencies, 50), "p99": percentile(latencies, 99), "max": max(latencies, default=float("nan")),
            "absolute": absolute, "rss": rss or rss_mb(pid), "closed": closed}


# ---------------------------------------------------------------- idle keep-alive


def idle_test(port, pid, count):
    before = rss_mb(pid)
    socks = []
    deadline = time.time() + 120
    request = b"GET /healthz HTTP/1.1\r\nHost: bench\r\n\r\n"
    epoll = select.epoll()
    pending = {}
    try:
        for _ in range(count):
            if time.time() > deadline:
                break
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.sendall(request)
            s.setblocking(False)
            socks.append(s)
            pending[s.fileno()] = b""
            epoll.register(s.fileno(), select.EPOLLIN)
            # Drain answers as we go so neither side's buffers pile up.
            if len(socks) % 500 == 0:
                drain(epoll, pending, socks, 0)
        drain(epoll, pending, socks, 30)
    except OSError as error:
        log(f"idle: stopped opening connections at {len(socks)}: {error}")
    answered = len(socks) - len(pending)
    time.sleep(3)  # idle: no traffic at all
    held = sum(1 for s in socks if still_open(s))
    after = rss_mb(pid)
    for s in socks:
        s.close()
    epoll.close()
    return {"opened": len(socks), "answered": answered, "held": held, "rss_before": before, "rss": after}


def drain(epoll, pending, socks, seconds):
    deadline = time.time() + seconds
    while pending:
        events = epoll.poll(0 if seconds == 0 else 0.2)
        if not events and (seconds == 0 or time.time() > deadline):
            return
        for fd, _ in events:
            if fd not in pending:
                continue
            try:
                data = os.read(fd, 4096)
            except BlockingIOError:
                continue
            pending[fd] += data
            if pending[fd].endswith(b"ok\n") or not data:
                del pending[fd]
                epoll.unregister(fd)


def still_open(sock):
    try:
        return sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) != b""
    except BlockingIOError:
        return True
    except OSError:
        return False


# ---------------------------------------------------------------- setup


def nginx_config(work, port, public):
    temp = os.path.join(work, "nginx-temp")
    os.makedirs(temp, exist_ok=True)
    conf = os.path.join(work, "nginx.conf")
    with open(conf, "w") as f:
        f.write(f"""
user root;
worker_processes 2;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    client_body_temp_path {temp}/body; proxy_temp_path {temp}/proxy; fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi; scgi_temp_path {temp}/scgi;
    types {{ text/css css; text/html html; text/javascript js; }}
    server {{
        listen 127.0.0.1:{port};
        root {public};
        location = /healthz {{ default_type text/plain; return 200 "ok\\n"; }}
        location = / {{ default_type text/html; try_files /home.html =404; }}
    }}
}}
""")
    return conf


def bench_css(size=20 * 1024):
    lines, i = [], 0
    while sum(len(l) for l in lines) < size:
        lines.append(f".step-{i} {{ color: #{(i * 7919) % 0xFFFFFF:06x}; margin: {i % 17}px {i % 5}px; }}\n")
        i += 1
    return "".join(lines)[:size]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runbook", required=True)
    ap.add_argument("--flyingfox", required=True)
    ap.add_argument("--templates", required=True)
    ap.add_argument("--public", required=True)
    ap.add_argument("--duration", type=int, default=5)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--sse-clients", type=int, default=1000)
    ap.add_argument("--sse-seconds", type=int, default=6)
    ap.add_argument("--idle", type=int, default=10000)
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="http-bench-")
    public = os.path.join(work, "public")
    shutil.copytree(args.public, public)
    with open(os.path.join(public, "bench.css"), "w") as f:
        f.write(bench_css())
    ports = {"runbook": free_port(), "nginx": free_port(), "flyingfox": free_port()}
    try:
        serve = [args.runbook, "serve", "--host", "127.0.0.1", "--port", str(ports["runbook"]), "--public", public,
                 "--templates", args.templates, "--heartbeat", "0.5"]
        # nginx runs with access_log off; runbook's access log goes off too when the build has the flag.
        if "--no-access-log" in subprocess.run([args.runbook, "serve", "--help"], capture_output=True, text=True).stdout:
            serve.append("--no-access-log")
        rb = start(serve, os.path.join(work, "runbook.log"))
        wait_ready(ports["runbook"], "/healthz", rb)
        status, home = http_get(ports["runbook"], "/")
        with open(os.path.join(public, "home.html"), "wb") as f:
            f.write(home)  # nginx serves the page runbook renders, as a file
        ngx = start(["nginx", "-c", nginx_config(work, ports["nginx"], public), "-g", "daemon off;"], os.path.join(work, "nginx.log"))
        wait_ready(ports["nginx"], "/healthz", ngx)
        ff = start([args.flyingfox, str(ports["flyingfox"]), public, args.templates], os.path.join(work, "flyingfox.log"))
        wait_ready(ports["flyingfox"], "/healthz", ff)
        for name, port in ports.items():
            status, body = http_get(port, "/bench.css")
            assert status == 200 and len(body) == 20 * 1024, f"{name} /bench.css: {status} {len(body)} bytes"

        rows = []
        for label, path in [("/healthz", "/healthz"), ("template page /", "/"), ("20 KB static file", "/bench.css")]:
            row = {"label": label}
            for name in ["runbook", "nginx", "flyingfox"]:
                log(f"wrk {name} {path} ({args.duration}s, {args.connections} connections)")
                row[name] = wrk(f"http://127.0.0.1:{ports[name]}{path}", args.duration, args.connections)
                time.sleep(1)
            rows.append(row)

        # Only runbook stays up for the fan-out and idle tests, so it has the machine to itself.
        for proc in (ngx, ff):
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=15)
        idle_rss = rss_mb(rb.pid)
        log(f"sse: {args.sse_clients} clients")
        sse = sse_test(ports["runbook"], rb.pid, args.sse_clients, args.sse_seconds)
        time.sleep(2)
        log(f"idle: {args.idle} keep-alive connections")
        idle = idle_test(ports["runbook"], rb.pid, args.idle)
    finally:
        stop_all()

    def cell(r):
        extra = f", {r['errors']} non-2xx" if r["errors"] else ""
        extra += f", socket errors {r['socket']}" if r["socket"] else ""
        return f"{r['rps']:,.0f} req/s (p50 {r['p50']:.2f} ms, p99 {r['p99']:.2f} ms{extra})"

    print(f"\nHTTP benchmark, {os.cpu_count()} cores, wrk -t2 -c{args.connections} -d{args.duration}s, loopback\n")
    print("| test | runbook | nginx | FlyingFox 0.27.1 | runbook / nginx |")
    print("|---|---|---|---|---|")
    for row in rows:
        ratio = row["runbook"]["rps"] / row["nginx"]["rps"] * 100
        print(f"| {row['label']} | {cell(row['runbook'])} | {cell(row['nginx'])} | {cell(row['flyingfox'])} | {ratio:.0f}% |")
    basis = "publish → arrival" if sse["absolute"] else "after the first client received the event (publish time not in the event)"
    print(f"\n| test | result |\n|---|---|")
    print(f"| SSE fan-out, {sse['clients']} clients on one topic | {sse['events']} events, {sse['deliveries']}/{sse['expected']} deliveries, "
          f"latency p50 {sse['p50']:.1f} ms, p99 {sse['p99']:.1f} ms, max {sse['max']:.1f} ms ({basis}); "
          f"{sse['closed']} streams closed early |")
    print(f"| server RSS with {sse['clients']} SSE clients | {sse['rss']:.1f} MB (idle before: {idle_rss:.1f} MB) |")
    print(f"| {idle['opened']} idle keep-alive connections | {idle['answered']} answered, {idle['held']} still open after 3 s idle |")
    print(f"| server RSS with them | {idle['rss']:.1f} MB (before: {idle['rss_before']:.1f} MB) |")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
