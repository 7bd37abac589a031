#!/usr/bin/env python3
"""Writes, to stdout, the tar of one of bench.sh's big trees: data/ with FILES small files.

    layer-tar.py FILES [PER_DIRECTORY] >data.tar

The tree never exists as files on this side: Docker or containerd unpacks the tar into a layer,
or tar -x writes it into a container's writable snapshot. The ustar headers are packed by hand
(tarfile costs about 30 us a member, this about 3), so 300k files come out in a few seconds.

Layout: leaf directories of PER_DIRECTORY files (default 100), data/gA/sB/dC with 20 leaves per
sB and 20 sB per gA (300k files by 100: 3000 leaves, 150 sB, 8 gA). Files are f00.dat .. f99.dat
(three digits, f000.dat .., when a leaf holds more than 100); bench.sh's overlay2 child image
selects by that number. Sizes are 100 bytes to 8 KiB, most under 1 KiB (about 1.3 KiB on
average), fixed by a seed so every run builds the same tree. Every tenth leaf also holds
`f00.link` (`f000.link`), a hard link to its first file.
"""
import random
import sys

DEFAULT_PER_DIRECTORY = 100
LEAVES_PER_MIDDLE = 20
MIDDLES_PER_TOP = 20
MTIME = 1700000000
FLUSH_BYTES = 8 << 20


def header(name: bytes, size: int, mode: int, kind: bytes, link: bytes = b"") -> bytes:
    """One 512-byte POSIX ustar header; every name here is under 100 bytes."""
    fields = (
        name.ljust(100, b"\0")
        + b"%07o\0" % mode
        + b"0000000\0"  # uid
        + b"0000000\0"  # gid
        + b"%011o\0" % size
        + b"%011o\0" % MTIME
        + b"        "  # checksum, counted as spaces
        + kind
        + link.ljust(100, b"\0")
        + b"ustar\x0000"
        + b"root".ljust(32, b"\0")
        + b"root".ljust(32, b"\0")
        + b"\0" * 183  # devmajor, devminor, prefix, padding
    )
    checksum = b"%06o\0 " % sum(fields)
    return fields[:148] + checksum + fields[156:]


def main() -> None:
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: layer-tar.py FILES [PER_DIRECTORY]")
    files = int(sys.argv[1])
    per_directory = int(sys.argv[2]) if len(sys.argv) == 3 else DEFAULT_PER_DIRECTORY
    if files < 1 or per_directory < 1:
        sys.exit("layer-tar.py: FILES and PER_DIRECTORY are positive whole numbers")
    digits = max(2, len(str(per_directory - 1)))
    rng = random.Random(20240229)
    # One pool of bytes; each file is a slice of it, so nothing is generated per file.
    pool = rng.randbytes(1 << 20)
    out = sys.stdout.buffer
    buffer = bytearray()

    def add_file(name: bytes, data: bytes) -> None:
        buffer.extend(header(name, len(data), 0o644, b"0"))
        buffer.extend(data)
        buffer.extend(b"\0" * (-len(data) % 512))

    def add_directory(name: bytes) -> None:
        buffer.extend(header(name + b"/", 0, 0o755, b"5"))

    add_directory(b"data")
    leaves = (files + per_directory - 1) // per_directory
    per_top = LEAVES_PER_MIDDLE * MIDDLES_PER_TOP
    written = 0
    for leaf in range(leaves):
        top = leaf // per_top
        middle = (leaf // LEAVES_PER_MIDDLE) % MIDDLES_PER_TOP
        low = leaf % LEAVES_PER_MIDDLE
        if leaf % per_top == 0:
            add_directory(b"data/g%d" % top)
        if leaf % LEAVES_PER_MIDDLE == 0:
            add_directory(b"data/g%d/s%d" % (top, middle))
        directory = b"data/g%d/s%d/d%d" % (top, middle, low)
        add_directory(directory)
        for number in range(min(per_directory, files - written)):
            roll = rng.random()
            if roll < 0.70:
                size = rng.randint(100, 1000)
            elif roll < 0.95:
                size = rng.randint(1001, 4000)
            else:
                size = rng.randint(4001, 8192)
            start = rng.randrange(0, len(pool) - size)
            add_file(b"%s/f%0*d.dat" % (directory, digits, number), pool[start:start + size])
            written += 1
        if leaf % 10 == 0:
            first = b"%s/f%0*d" % (directory, digits, 0)
            buffer.extend(header(first + b".link", 0, 0o644, b"1", first + b".dat"))
        if len(buffer) >= FLUSH_BYTES:
            out.write(buffer)
            buffer.clear()
    buffer.extend(b"\0" * 1024)  # end of archive
    out.write(buffer)
    out.flush()


if __name__ == "__main__":
    main()
