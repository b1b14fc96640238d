#!/usr/bin/env python3
"""Bytes the explorer writes to its terminal for one key press (issue 4: under
2 KB for a cursor move at 200x50, so a slow SSH link stays usable).

Runs the real binary in a pseudo-terminal of the given size, waits until the
screen is drawn and quiet, sends one key, and counts what comes back.

    python3 bench/keypress_bytes.py ./pcapsurgery testdata/demo.pcapng [COLS ROWS]
"""
import fcntl, os, pty, select, struct, sys, termios, time

def drain(fd, quiet=0.4, limit=10.0):
    """Read until nothing arrives for `quiet` seconds; return the bytes."""
    out, end = b"", time.time() + limit
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], quiet)
        if not r:
            break
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    return out

def main():
    binary, capture = sys.argv[1], sys.argv[2]
    cols, rows = (int(sys.argv[3]), int(sys.argv[4])) if len(sys.argv) > 4 else (200, 50)
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm-256color"
        os.execv(binary, [binary, capture])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    first = drain(fd, quiet=1.0)
    results = {}
    for name, key in [("down", b"j"), ("down again", b"j"), ("up", b"k"), ("page down", b" ")]:
        os.write(fd, key)
        results[name] = len(drain(fd))
    os.write(fd, b"q")
    drain(fd, quiet=0.3, limit=2)
    os.waitpid(pid, 0)
    print(f"first screen: {len(first)} bytes at {cols}x{rows}")
    for name, n in results.items():
        print(f"{name}: {n} bytes")

if __name__ == "__main__":
    main()
