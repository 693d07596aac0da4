#!/usr/bin/env python3
"""Generate assets/icon.png (256x256 RGBA) and assets/icon.ico (16/32/48/256).

Flat rounded teal square with two stacked arrows: right (send) on top,
left (receive) below. Drawn at 4x and downsampled for smooth edges.
Requires Pillow (pip install pillow). Output is deterministic.
"""
from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
SIZE = 256
SS = 4  # supersampling factor
S = SIZE * SS

BG_TOP = (20, 150, 160)     # teal
BG_BOTTOM = (22, 100, 170)  # blue
SEND = (255, 255, 255, 255)
RECV = (200, 240, 245, 255)


def s(v):
    return int(round(v * SS))


def arrow(draw, y, left_to_right, color):
    """Horizontal arrow centred at height y (in 256-px units)."""
    x0, x1 = 56, 200          # overall extent
    shaft_h = 22              # shaft thickness
    head_len, head_h = 52, 70  # arrowhead length and height
    if left_to_right:
        shaft = (x0, y - shaft_h / 2, x1 - head_len + 2, y + shaft_h / 2)
        head = [(x1, y), (x1 - head_len, y - head_h / 2), (x1 - head_len, y + head_h / 2)]
    else:
        shaft = (x0 + head_len - 2, y - shaft_h / 2, x1, y + shaft_h / 2)
        head = [(x0, y), (x0 + head_len, y - head_h / 2), (x0 + head_len, y + head_h / 2)]
    r = shaft_h / 2
    draw.rounded_rectangle([s(v) for v in shaft], radius=s(r), fill=color)
    draw.polygon([(s(px), s(py)) for px, py in head], fill=color)


def make():
    # Vertical teal->blue gradient, masked by a rounded square.
    grad = Image.new("RGBA", (S, S))
    gd = ImageDraw.Draw(grad)
    for yy in range(S):
        t = yy / (S - 1)
        c = tuple(int(round(a + (b - a) * t)) for a, b in zip(BG_TOP, BG_BOTTOM))
        gd.line([(0, yy), (S, yy)], fill=c + (255,))
    mask = Image.new("L", (S, S), 0)
    margin = s(8)
    ImageDraw.Draw(mask).rounded_rectangle(
        [margin, margin, S - margin - 1, S - margin - 1], radius=s(48), fill=255)
    img = Image.new("RGBA", (S, S), (0, 0, 0, 0))
    img.paste(grad, (0, 0), mask)

    d = ImageDraw.Draw(img)
    arrow(d, 92, True, SEND)    # send: pointing right
    arrow(d, 164, False, RECV)  # receive: pointing left

    icon = img.resize((SIZE, SIZE), Image.LANCZOS)
    icon.save(HERE / "icon.png", optimize=True)
    icon.save(HERE / "icon.ico", sizes=[(16, 16), (32, 32), (48, 48), (256, 256)])
    return icon


if __name__ == "__main__":
    make()
    print("wrote", HERE / "icon.png", "and", HERE / "icon.ico")
