"""Fetch, decode and check the input image of an image-to-video request."""

import base64
import binascii
import logging
import re
import urllib.error
import urllib.parse
import urllib.request

from .errors import InputError

log = logging.getLogger(__name__)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"

DOWNLOAD_CHUNK_BYTES = 1 << 16

# "data:image/png;base64," in front of the payload, as browsers write data URLs.
DATA_URL_PREFIX = re.compile(r"^data:[\w.+-]+/[\w.+-]+;base64,", re.IGNORECASE)


def detect_image_type(data: bytes) -> str | None:
    """Return "png", "jpeg" or "webp" from the file's magic bytes, or None for anything else."""
    if data.startswith(PNG_SIGNATURE):
        return "png"
    if data.startswith(JPEG_SIGNATURE):
        return "jpeg"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def check_image_bytes(data: bytes, source: str, max_bytes: int) -> str:
    """Raise InputError unless data is a non-empty PNG, JPEG or WebP file within max_bytes.

    Returns the detected type. ``source`` names the input field in the message.
    """
    if not data:
        raise InputError(f"The image from {source} is empty. Send a PNG, JPEG or WebP image.")
    if len(data) > max_bytes:
        raise InputError(
            f"The image from {source} is {_megabytes(len(data))}, more than the maximum of "
            f"{_megabytes(max_bytes)}. Send a smaller image."
        )
    kind = detect_image_type(data)
    if kind is None:
        first_bytes = data[:8].hex(" ")
        raise InputError(
            f"The image from {source} is not a PNG, JPEG or WebP file (its first bytes are "
            f"{first_bytes}). Send a PNG, JPEG or WebP image."
        )
    return kind


def decode_image_base64(text: str, max_bytes: int) -> bytes:
    """Decode image_base64, with or without a data URL prefix, and check size and type."""
    payload = DATA_URL_PREFIX.sub("", text.strip(), count=1)
    payload = "".join(payload.split())

    # Reject before decoding so that a huge string does not cost memory twice.
    if len(payload) // 4 * 3 > max_bytes + 3:
        raise InputError(
            f"image_base64 decodes to about {_megabytes(len(payload) // 4 * 3)}, more than the maximum "
            f"of {_megabytes(max_bytes)}. Send a smaller image."
        )
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError) as error:
        raise InputError(
            f"image_base64 is not valid base64 ({error}). Send the image file encoded as "
            "standard base64, optionally with a data:image/...;base64, prefix."
        ) from None

    check_image_bytes(data, "image_base64", max_bytes)
    return data


def describe_url(url: str) -> str:
    """Return the URL without its query and fragment, for messages and logs.

    Signed CDN links carry tokens in the query, which do not belong in a chat message.
    """
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def download_image(url: str, max_bytes: int, timeout_s: float) -> bytes:
    """Download image_url over HTTP(S) and check size and type.

    The body is read in chunks and the download stops as soon as it passes max_bytes,
    whatever the Content-Length header claims. Raises InputError with the reason on any failure.
    """
    display_url = describe_url(url)
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(
            f"image_url {display_url!r} is not an http or https URL. Send a public link to the image."
        )

    request = urllib.request.Request(url, headers={"User-Agent": "wan-runpod-worker/1"})
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise InputError(
                    f"The image at {display_url} is {_megabytes(int(declared))}, more than the maximum "
                    f"of {_megabytes(max_bytes)}. Send a smaller image."
                )
            data = _read_limited(response, max_bytes, display_url)
    except InputError:
        raise
    except urllib.error.HTTPError as error:
        error.close()
        raise InputError(
            f"Could not download the image from {display_url}: HTTP {error.code} {error.reason}. "
            "Check that the link is public and still valid."
        ) from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        if isinstance(error, TimeoutError) or isinstance(reason, TimeoutError):
            raise InputError(
                f"Downloading the image from {display_url} timed out after {timeout_s:g} s. "
                "Try again or send the image itself."
            ) from None
        raise InputError(
            f"Could not download the image from {display_url}: {reason}. "
            "Check that the link is public and still valid."
        ) from None

    log.info("Downloaded input image from %s (%d bytes)", display_url, len(data))
    check_image_bytes(data, f"image_url {display_url}", max_bytes)
    return data


def _read_limited(response, max_bytes: int, display_url: str) -> bytes:
    chunks = []
    received = 0
    while True:
        chunk = response.read(DOWNLOAD_CHUNK_BYTES)
        if not chunk:
            break
        received += len(chunk)
        if received > max_bytes:
            raise InputError(
                f"The image at {display_url} is larger than the maximum of {_megabytes(max_bytes)}. "
                "Send a smaller image."
            )
        chunks.append(chunk)
    return b"".join(chunks)


def open_rgb_image(data: bytes, source: str):
    """Decode image bytes with Pillow into the RGB PIL.Image that Wan's generate() expects."""
    import io

    from PIL import Image  # Pillow is installed in the worker image, not in the test runner.

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            return image.convert("RGB")
    except Exception as error:  # Pillow raises many types for damaged or hostile files.
        raise InputError(
            f"The image from {source} could not be decoded ({type(error).__name__}: {error}). "
            "Send an undamaged PNG, JPEG or WebP image."
        ) from None


def _megabytes(count: int) -> str:
    return f"{count / 1_000_000:.1f} MB"
