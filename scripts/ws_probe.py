"""A WebSocket reset over a raw socket, for start-up measurements (scripts/bench-image,
scripts/profile-cold-start): no client library to load, nothing between the socket and the clock."""
import base64
import os
import random
import socket
import time


def free_port():
    """A free local port below the ephemeral range (32768-60999), where a connect loop cannot connect to itself."""
    while True:
        port = random.randint(20000, 32000)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                pass


def reset(port):
    """Opens /ws on 127.0.0.1:port, sends a reset and waits for the answer's first bytes; OSError when it cannot."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(b"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                  + base64.b64encode(os.urandom(16)) + b"\r\nSec-WebSocket-Version: 13\r\n\r\n")
        buf = b""
        while b"\r\n\r\n" not in buf:
            data = s.recv(4096)
            if not data:
                raise OSError("closed before the upgrade")
            buf += data
        if b" 101 " not in buf.split(b"\r\n", 1)[0]:
            raise OSError("no upgrade: " + buf.split(b"\r\n", 1)[0].decode(errors="replace"))
        payload, mask = b'{"type":"reset","data":{}}', os.urandom(4)
        s.sendall(bytes([0x81, 0x80 | len(payload)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))
        rest = buf.split(b"\r\n\r\n", 1)[1]
        while len(rest) < 2:
            data = s.recv(4096)
            if not data:
                raise OSError("closed before the reset was answered")
            rest += data


def wait_for_reset(port, timeout_s=60):
    """Retries reset(port) every 2 ms until it is answered; False after timeout_s."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            reset(port)
            return True
        except OSError:
            time.sleep(0.002)
    return False
