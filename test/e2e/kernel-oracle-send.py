#!/usr/bin/env python3
# The kernel-oracle test's sender (test/e2e/kernel-oracle.test.ts). Reads a JSON job on stdin:
#   {"node": "/proc/<pid>/ns/net", "save": "iptables-save"|"ip6tables-save",
#    "flows": [{"ns": "/proc/<pid>/ns/net", "src": ip, "dst": ip, "proto": "tcp"|"udp"|"icmp",
#               "sport": n, "dport": n (the ICMP type for icmp)}]}
# and prints one JSON line with the node's `iptables-save -c` before the first flow, then one per
# flow after its single packet left: {"i": index, "save": text}. Each flow is one packet: a TCP
# SYN (a non-blocking connect, closed at once: closing a socket in SYN-SENT sends nothing), one
# UDP datagram, or one ICMP request, from the source's own network namespace.
import ctypes
import json
import os
import socket
import struct
import subprocess
import sys
import time

libc = ctypes.CDLL("libc.so.6", use_errno=True)
CLONE_NEWNET = 0x40000000


def enter(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), f"setns {path}")
    finally:
        os.close(fd)


def checksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(f"!{len(b) // 2}H", b))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def icmp6_body(t, ident):
    if t in (128, 129):  # echo request / reply
        return struct.pack("!HH", ident, 1) + b"oracle"
    if t in (135, 136):  # neighbour solicitation / advertisement: flags or reserved, then the target
        return b"\0" * 4 + socket.inet_pton(socket.AF_INET6, "fd00::" + format(ident & 0xFFF, "x"))
    if t == 134:  # router advertisement: hop limit, flags, lifetime, reachable, retrans
        return struct.pack("!BBHII", 64, 0, 0, 0, 0)
    return b"\0" * 4 + b"\x60" + b"\0" * 39  # an error: unused, then the start of an IPv6 header


def send(f):
    fam = socket.AF_INET6 if ":" in f["dst"] else socket.AF_INET
    if fam == socket.AF_INET6 and f["proto"] == "icmp":
        # the kernel fills in the ICMPv6 checksum on raw ICMPv6 sockets
        s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
        s.bind((f["src"], 0))
        t = f["dport"]
        s.sendto(struct.pack("!BBH", t, 0, 0) + icmp6_body(t, f["sport"]), (f["dst"], 0))
        s.close()
    elif f["proto"] == "tcp":
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((f["src"], f["sport"]))
        s.setblocking(False)
        s.connect_ex((f["dst"], f["dport"]))
        s.close()
    elif f["proto"] == "udp":
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.bind((f["src"], f["sport"]))
        s.sendto(b"x", (f["dst"], f["dport"]))
        s.close()
    else:
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
        s.bind((f["src"], 0))
        icmp_type = f["dport"]
        ident = f["sport"] & 0xFFFF
        body = struct.pack("!HH", ident, 1) + (b"\0" * 12 if icmp_type == 13 else b"oracle")
        hdr = struct.pack("!BBH", icmp_type, 0, 0)
        c = checksum(hdr + body)
        s.sendto(struct.pack("!BBH", icmp_type, 0, c) + body, (f["dst"], 0))
        s.close()


def main():
    job = json.load(sys.stdin)

    def save():
        return subprocess.run([job["save"], "-c"], check=True, capture_output=True, text=True).stdout

    enter(job["node"])
    print(json.dumps({"i": -1, "save": save()}), flush=True)
    for i, f in enumerate(job["flows"]):
        enter(f["ns"])
        try:
            send(f)
        except PermissionError:
            pass  # the sender's own OUTPUT chain dropped it (a host flow): the counters say where
        enter(job["node"])
        # the packet crosses veths and bridges in softirq context; give it a moment on a busy machine
        time.sleep(0.02)
        print(json.dumps({"i": i, "save": save()}), flush=True)


main()
