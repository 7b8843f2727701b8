# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 the ample authors

"""Writes opencv_inter_linear.txt, the reference table of BilinearResizeTest.

Each case resizes a hand-made uint8 frame with cv2.resize(..., interpolation=cv2.INTER_LINEAR),
the call of the Eve authors' preprocessing (Dopamine / SEED RL). The frames come from formulas
that the Java test regenerates (keep the two in step), so only the outputs are stored.

Run once with a python that has OpenCV (Debian: apt-get install python3-opencv):
    /usr/bin/python3 opencv_inter_linear.py > opencv_inter_linear.txt
"""
import base64
import datetime
import sys

import cv2
import numpy as np

# A 210x160 frame like ALE's Pong screen: rectangles (rows r0..r1, columns c0..c1, half open)
# of one grey level on a flat background; clipped to smaller frames.
PONG_BACKGROUND = 87
PONG_RECTS = [
    (24, 34, 0, 160, 236),  # top wall
    (194, 210, 0, 160, 236),  # bottom wall
    (1, 21, 36, 52, 123),  # scores
    (1, 21, 116, 132, 147),
    (95, 111, 16, 20, 147),  # paddles
    (60, 76, 140, 144, 123),
    (120, 124, 78, 80, 236),  # ball
]


def lowbias32(x):
    """Chris Wellons' 32-bit integer hash."""
    x ^= x >> 16
    x = (x * 0x7FEB352D) & 0xFFFFFFFF
    x ^= x >> 15
    x = (x * 0x846CA68B) & 0xFFFFFFFF
    x ^= x >> 16
    return x


def noise(seed):
    def pixel(r, c, h, w):
        return lowbias32((r * w + c + seed * 0x9E3779B9) & 0xFFFFFFFF) & 0xFF
    return pixel


def pong(r, c, h, w):
    for r0, r1, c0, c1, v in PONG_RECTS:
        if r0 <= r < r1 and c0 <= c < c1:
            return v
    return PONG_BACKGROUND


PATTERNS = {
    "gradient": lambda r, c, h, w: (r * 255 // max(h - 1, 1) + c * 255 // max(w - 1, 1)) // 2,
    "diagonal": lambda r, c, h, w: (r * 7 + c * 13) % 256,
    "checker": lambda r, c, h, w: 255 * ((r + c) % 2),
    "noise1": noise(1),
    "noise2": noise(2),
    "pong": pong,
}


def frame(name, h, w):
    if name == "max-noise1-noise2":  # the Atari flicker max-pool, then the resize
        return np.maximum(frame("noise1", h, w), frame("noise2", h, w))
    f = PATTERNS[name]
    return np.array([[f(r, c, h, w) for c in range(w)] for r in range(h)], dtype=np.uint8)


ALL = ["gradient", "diagonal", "checker", "noise1", "pong", "max-noise1-noise2"]
CASES = (
    [(p, 210, 160, 84, 84) for p in ALL]  # ALE's screen to the protocol's 84x84
    + [
        ("noise1", 210, 160, 105, 80),  # exact 2x down: OpenCV switches to INTER_AREA
        ("checker", 20, 16, 10, 8),
        ("noise1", 40, 160, 10, 40),  # exact 4x down: stays bilinear
        ("noise1", 30, 45, 10, 15),  # exact 3x down
        ("noise1", 210, 160, 110, 90),  # non-integer down
        ("noise1", 250, 160, 84, 84),  # a 250-row screen
        ("gradient", 20, 30, 84, 84),  # non-integer up
        ("noise1", 30, 40, 70, 90),
        ("noise1", 13, 11, 13, 4),  # one axis kept
        ("noise1", 11, 13, 4, 13),
        ("noise1", 1, 9, 4, 4),  # single rows and columns
        ("noise1", 9, 1, 3, 2),
        ("noise1", 2, 2, 5, 5),
        ("noise1", 3, 3, 1, 1),
    ]
    + [(p, 7, 5, 14, 10) for p in ALL]  # exact 2x up
    + [(p, 16, 24, 5, 7) for p in ALL]
)


def main(out):
    out.write("# cv2.resize(src, (dstW, dstH), interpolation=cv2.INTER_LINEAR) of the frames that\n")
    out.write("# BilinearResizeTest regenerates; written by opencv_inter_linear.py with OpenCV %s,\n"
              % cv2.__version__)
    out.write("# numpy %s, python %s, on %s:\n" % (
        np.__version__, sys.version.split()[0], datetime.date.today().isoformat()))
    out.write("#   /usr/bin/python3 opencv_inter_linear.py > opencv_inter_linear.txt\n")
    out.write("# One case per line: pattern srcH srcW dstH dstW base64(dst pixels, row-major)\n")
    for name, sh, sw, dh, dw in CASES:
        dst = cv2.resize(frame(name, sh, sw), (dw, dh), interpolation=cv2.INTER_LINEAR)
        assert dst.shape == (dh, dw) and dst.dtype == np.uint8
        out.write("%s %d %d %d %d %s\n" % (
            name, sh, sw, dh, dw, base64.b64encode(dst.tobytes()).decode("ascii")))


if __name__ == "__main__":
    main(sys.stdout)
