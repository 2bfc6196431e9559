"""Read width, height and frame count of the video track of an MP4 file.

Wan's save_video() logs and swallows every error, so the worker checks the file it wrote:
an MP4 starts with an ``ftyp`` box and has a ``moov`` box with a video track. Box layouts
follow ISO/IEC 14496-12 (ISO base media file format).
"""

import os
import struct
from dataclasses import dataclass

# The moov box of a few minutes of video is far smaller; a bigger one means a broken file.
MAX_MOOV_BYTES = 64 * 1024 * 1024

CONTAINER_BOXES = {b"moov", b"trak", b"mdia", b"minf", b"stbl"}


class InvalidMp4Error(ValueError):
    """The file is not an MP4 with a readable video track."""


@dataclass(frozen=True)
class Mp4Facts:
    """Facts about the first video track of an MP4 file."""

    bytes: int
    width: int
    height: int
    frames: int
    # Track duration from the media header, in seconds.
    duration_s: float


def read_mp4_facts(path: str) -> Mp4Facts:
    """Return the facts of the file's first video track; raise InvalidMp4Error otherwise."""
    size = os.path.getsize(path)
    if size == 0:
        raise InvalidMp4Error("the file is empty")

    # Every top-level box must fit into the file, which catches a file cut off mid-write.
    with open(path, "rb") as file:
        moov = None
        has_media_data = False
        offset = 0
        while offset < size:
            file.seek(offset)
            box_type, header_size, box_size = _read_box_header(file, size - offset)
            if offset == 0 and box_type != b"ftyp":
                raise InvalidMp4Error(f"the file starts with {box_type!r}, not an ftyp box")
            if box_type == b"moov":
                if box_size > MAX_MOOV_BYTES:
                    raise InvalidMp4Error(f"the moov box is {box_size} bytes long")
                moov = file.read(box_size - header_size)
            elif box_type == b"mdat":
                has_media_data = True
            offset += box_size

    if moov is None:
        raise InvalidMp4Error("the file has no moov box; the writer may have stopped early")
    if not has_media_data:
        raise InvalidMp4Error("the file has no mdat box with media data")
    return _read_video_track(moov, size)


def _read_box_header(file, available: int) -> tuple[bytes, int, int]:
    header = file.read(8)
    if len(header) < 8:
        raise InvalidMp4Error("a box header is cut off")
    box_size, box_type = struct.unpack(">I4s", header)
    header_size = 8
    if box_size == 1:
        large = file.read(8)
        if len(large) < 8:
            raise InvalidMp4Error("a 64-bit box size is cut off")
        box_size = struct.unpack(">Q", large)[0]
        header_size = 16
    elif box_size == 0:
        box_size = available
    if box_size < header_size or box_size > available:
        raise InvalidMp4Error(f"box {box_type!r} claims {box_size} bytes, but {available} remain")
    return box_type, header_size, box_size


def _iterate_boxes(data: bytes):
    offset = 0
    while offset + 8 <= len(data):
        box_size, box_type = struct.unpack_from(">I4s", data, offset)
        header_size = 8
        if box_size == 1:
            if offset + 16 > len(data):
                raise InvalidMp4Error("a 64-bit box size is cut off")
            box_size = struct.unpack_from(">Q", data, offset + 8)[0]
            header_size = 16
        elif box_size == 0:
            box_size = len(data) - offset
        if box_size < header_size or offset + box_size > len(data):
            raise InvalidMp4Error(f"box {box_type!r} does not fit in its parent")
        yield box_type, data[offset + header_size : offset + box_size]
        offset += box_size


def _find_children(data: bytes, path: list[bytes]) -> list[bytes]:
    """Return the payloads of every box at the nested path of box types inside data."""
    found = []
    for box_type, payload in _iterate_boxes(data):
        if box_type != path[0]:
            continue
        if len(path) == 1:
            found.append(payload)
        elif box_type in CONTAINER_BOXES:
            found.extend(_find_children(payload, path[1:]))
    return found


def _read_video_track(moov: bytes, file_size: int) -> Mp4Facts:
    for trak in _find_children(moov, [b"trak"]):
        handlers = _find_children(trak, [b"mdia", b"hdlr"])
        # hdlr: version/flags (4), pre_defined (4), handler_type (4).
        if not handlers or handlers[0][8:12] != b"vide":
            continue

        tkhd = _single(trak, [b"tkhd"])
        mdhd = _single(trak, [b"mdia", b"mdhd"])
        stsz = _single(trak, [b"mdia", b"minf", b"stbl", b"stsz"])

        # tkhd ends with width and height as 16.16 fixed-point numbers.
        if len(tkhd) < 8:
            raise InvalidMp4Error("the tkhd box is too short")
        width_fixed, height_fixed = struct.unpack(">II", tkhd[-8:])

        timescale, duration = _read_media_duration(mdhd)
        # stsz: version/flags (4), sample_size (4), sample_count (4).
        if len(stsz) < 12:
            raise InvalidMp4Error("the stsz box is too short")
        frames = struct.unpack_from(">I", stsz, 8)[0]

        return Mp4Facts(
            bytes=file_size,
            width=width_fixed >> 16,
            height=height_fixed >> 16,
            frames=frames,
            duration_s=duration / timescale if timescale else 0.0,
        )
    raise InvalidMp4Error("the file has no video track")


def _read_media_duration(mdhd: bytes) -> tuple[int, int]:
    if not mdhd:
        raise InvalidMp4Error("the mdhd box is empty")
    if mdhd[0] == 1:
        # Version 1: creation and modification times are 64-bit, then timescale, duration.
        if len(mdhd) < 32:
            raise InvalidMp4Error("the mdhd box is too short")
        return struct.unpack_from(">IQ", mdhd, 20)
    if len(mdhd) < 20:
        raise InvalidMp4Error("the mdhd box is too short")
    return struct.unpack_from(">II", mdhd, 12)


def _single(data: bytes, path: list[bytes]) -> bytes:
    found = _find_children(data, path)
    if not found:
        raise InvalidMp4Error(f"the video track has no {b'/'.join(path).decode()} box")
    return found[0]
