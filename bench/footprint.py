"""Resident memory (VmRSS from /proc) of the processes that make up a running platform."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def _listening_inodes(port: int) -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            cols = line.split()
            if cols[3] == "0A" and int(cols[1].rsplit(":", 1)[1], 16) == port:  # 0A: LISTEN
                inodes.add(cols[9])
    return inodes


def pids_listening(port: int) -> list[int]:
    """The processes holding a listening socket on the port (all of nginx's workers share it)."""
    inodes = _listening_inodes(port)
    if not inodes:
        return []
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            for fd in os.listdir(f"/proc/{entry}/fd"):
                link = os.readlink(f"/proc/{entry}/fd/{fd}")
                if link.startswith("socket:[") and link[8:-1] in inodes:
                    found.append(int(entry))
                    break
        except OSError:
            continue
    return sorted(found)


def children(pid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry))
    return out


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def is_python(pid: int) -> bool:
    try:
        exe = os.path.basename(os.readlink(f"/proc/{pid}/exe"))
    except OSError:
        return False
    return exe.startswith("python")


def measure(groups: dict[str, list[int]]) -> dict[str, Any]:
    """groups: a name -> the processes it stands for (their children are added). Sums in MiB."""
    processes: dict[str, Any] = {}
    seen: set[int] = set()
    for name, pids in groups.items():
        tree = list(pids)
        for pid in pids:
            tree += children(pid)
        tree = [p for p in dict.fromkeys(tree) if p not in seen]
        seen.update(tree)
        kib = sum(rss_kib(p) for p in tree)
        processes[name] = {"pids": tree, "rss_mib": round(kib / 1024, 1), "python": any(is_python(p) for p in tree)}
    total = sum(p["rss_mib"] for p in processes.values())
    python = sum(p["rss_mib"] for p in processes.values() if p["python"])
    return {"processes": processes, "total_rss_mib": round(total, 1), "python_rss_mib": round(python, 1)}


def stack_groups(state_dir: Path, kafka_port: int, stripe_ports: dict[str, int]) -> dict[str, list[int]]:
    """What `make up` runs: every service process (its pid files), nginx (master + workers), Kafka's
    JVM and the Stripe mocks (found by the port each listens on)."""
    groups: dict[str, list[int]] = {}
    for pidfile in sorted((state_dir / "run").glob("*.pid")):
        try:
            groups[pidfile.stem] = [int(pidfile.read_text().strip())]
        except (OSError, ValueError):
            continue
    nginx_pid = state_dir / "nginx" / "nginx.pid"
    if nginx_pid.exists():
        groups["nginx"] = [int(nginx_pid.read_text().strip())]
    groups["kafka"] = pids_listening(kafka_port)
    for name, port in stripe_ports.items():
        groups[name] = pids_listening(port)
    return groups
