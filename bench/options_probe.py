#!/usr/bin/env python3
"""Sends SIP OPTIONS from one local address at a steady rate and reports how many were answered and how fast:
what a monitoring system or a well-behaved phone sees while someone else attacks the service.

usage: options_probe.py BIND_IP SERVICE_IP SERVICE_PORT RATE SECONDS
"""
import socket
import sys
import time
import uuid

bind_ip, service_ip, service_port, rate, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind((bind_ip, 0))
sock.setblocking(False)
port = sock.getsockname()[1]
sent = {}
answered = {}
interval = 1.0 / rate
start = time.monotonic()
next_send = start
count = 0


def drain():
    while True:
        try:
            data, _ = sock.recvfrom(65535)
        except BlockingIOError:
            return
        text = data.decode("utf-8", "replace")
        if not text.startswith("SIP/2.0 200"):
            continue
        for line in text.split("\r\n"):
            if line.lower().startswith("call-id:"):
                call_id = line.split(":", 1)[1].strip()
                if call_id in sent and call_id not in answered:
                    answered[call_id] = time.monotonic() - sent[call_id]


while time.monotonic() - start < seconds:
    now = time.monotonic()
    if now >= next_send:
        call_id = f"probe-{count}-{uuid.uuid4().hex}"
        message = (
            f"OPTIONS sip:{service_ip}:{service_port} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP {bind_ip}:{port};branch=z9hG4bK{uuid.uuid4().hex};rport\r\n"
            "Max-Forwards: 70\r\n"
            f"From: <sip:monitor@{bind_ip}>;tag=p{count}\r\n"
            f"To: <sip:{service_ip}:{service_port}>\r\n"
            f"Call-ID: {call_id}\r\n"
            "CSeq: 1 OPTIONS\r\n"
            "Content-Length: 0\r\n\r\n"
        )
        sent[call_id] = time.monotonic()
        sock.sendto(message.encode(), (service_ip, service_port))
        count += 1
        next_send += interval
    drain()
    time.sleep(0.0005)

deadline = time.monotonic() + 2.0
while time.monotonic() < deadline and len(answered) < len(sent):
    drain()
    time.sleep(0.001)

times = sorted(answered.values())


def percentile(p):
    if not times:
        return float("nan")
    return times[min(len(times) - 1, int(round(p / 100.0 * (len(times) - 1))))] * 1000


print(f"options sent={len(sent)} answered={len(answered)} ({100.0 * len(answered) / max(1, len(sent)):.1f} %) "
      f"p50={percentile(50):.1f} ms p99={percentile(99):.1f} ms max={percentile(100):.1f} ms")
