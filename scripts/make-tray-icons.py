#!/usr/bin/env python3
"""Draws the three 32x32 tray icons (a key on a disc) without any imaging library:
connected (Spotify-like green), not connected (grey), problem (amber)."""
import struct, zlib, math, pathlib

SIZE = 32
COLORS = {"tray-connected": (29, 185, 84), "tray-signed-out": (140, 140, 140), "tray-problem": (232, 162, 58)}
KEY = (18, 18, 18)

def coverage(inside, x, y, n=4):
    """Anti-aliasing: fraction of n*n sub-samples of pixel (x, y) inside the shape."""
    hits = sum(inside(x + (i + .5) / n, y + (j + .5) / n) for i in range(n) for j in range(n))
    return hits / (n * n)

def disc(x, y):
    return math.hypot(x - 16, y - 16) <= 15.5

def key(x, y):
    ring = 2.6 <= math.hypot(x - 11, y - 16) <= 5.6
    shaft = 15.5 <= x <= 26 and 14.6 <= y <= 17.4
    teeth = (21 <= x <= 23 or 24.5 <= x <= 26) and 17.4 <= y <= 20.5
    return ring or shaft or teeth

def png(pixels):
    raw = b"".join(b"\0" + bytes(sum(row, ())) for row in pixels)
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", SIZE, SIZE, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))

out = pathlib.Path(__file__).resolve().parent.parent / "src-tauri" / "icons"
for name, color in COLORS.items():
    rows = []
    for y in range(SIZE):
        row = []
        for x in range(SIZE):
            a, k = coverage(disc, x, y), coverage(key, x, y)
            rgb = tuple(round(c * (1 - k) + kc * k) for c, kc in zip(color, KEY))
            row.append(rgb + (round(255 * a),))
        rows.append(row)
    (out / f"{name}.png").write_bytes(png(rows))
    print("wrote", out / f"{name}.png")
