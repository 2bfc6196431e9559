"""Validate a job's ``input`` against the bot/worker contract.

Every message names the field, shows the rejected value and states what to send instead,
because the bot shows it to the chat user as it is.
"""

import logging
import math
from dataclasses import dataclass
from typing import Any

from .errors import InputError
from .settings import Limits
from .tasks import TASKS, ImagePolicy, TaskSpec, parse_size

log = logging.getLogger(__name__)

KNOWN_FIELDS = frozenset(
    {
        "prompt",
        "negative_prompt",
        "task",
        "size",
        "frame_num",
        "sample_steps",
        "sample_shift",
        "guide_scale",
        "seed",
        "image_url",
        "image_base64",
    }
)

MIN_FRAME_NUM = 5
MAX_SAMPLE_SHIFT = 20.0
MAX_GUIDE_SCALE = 20.0
# Wan draws its own seed from 0..sys.maxsize, so the same range is accepted here.
MAX_SEED = 2**63 - 1


@dataclass(frozen=True)
class GenerationRequest:
    """A validated request. None in a sampling field means "use the task config's default"."""

    prompt: str
    negative_prompt: str
    task: str
    size: str
    width: int
    height: int
    frame_num: int | None
    sample_steps: int | None
    sample_shift: float | None
    guide_scale: float | None
    seed: int | None
    image_url: str | None
    image_base64: str | None

    @property
    def has_image(self) -> bool:
        return self.image_url is not None or self.image_base64 is not None


def validate_input(raw: Any, worker_task: str, limits: Limits) -> GenerationRequest:
    """Return the validated request, or raise InputError for the first invalid field.

    ``worker_task`` is the task this worker loaded. A request may leave ``task`` out but
    may not name another one. Unknown fields are logged and ignored, so that a newer bot
    can add fields without breaking older workers.
    """
    if not isinstance(raw, dict):
        raise InputError(f"input must be a JSON object, not {type(raw).__name__}.")

    unknown = sorted(set(raw) - KNOWN_FIELDS)
    if unknown:
        log.warning("Ignoring unknown input fields: %s", ", ".join(unknown))

    spec = _validate_task(raw.get("task"), worker_task)
    prompt = _validate_prompt(raw.get("prompt"), limits.max_prompt_chars)
    negative_prompt = _validate_negative_prompt(raw.get("negative_prompt"), limits.max_prompt_chars)
    size = _validate_size(raw.get("size"), spec)
    width, height = parse_size(size)

    frame_num = _validate_frame_num(raw.get("frame_num"), spec, limits)
    sample_steps = _optional_int(raw, "sample_steps", 1, limits.max_sample_steps)
    sample_shift = _optional_number(raw, "sample_shift", 0.0, MAX_SAMPLE_SHIFT, exclusive_low=True)
    guide_scale = _optional_number(raw, "guide_scale", 0.0, MAX_GUIDE_SCALE)
    seed = _optional_int(raw, "seed", 0, MAX_SEED)

    image_url = _optional_string(raw, "image_url")
    image_base64 = _optional_string(raw, "image_base64")
    _validate_image_presence(spec, image_url, image_base64)

    return GenerationRequest(
        prompt=prompt,
        negative_prompt=negative_prompt,
        task=spec.name,
        size=size,
        width=width,
        height=height,
        frame_num=frame_num,
        sample_steps=sample_steps,
        sample_shift=sample_shift,
        guide_scale=guide_scale,
        seed=seed,
        image_url=image_url,
        image_base64=image_base64,
    )


def _validate_task(value: Any, worker_task: str) -> TaskSpec:
    if value is None:
        return TASKS[worker_task]
    if not isinstance(value, str) or value not in TASKS:
        raise InputError(f"task {value!r} is not supported. Use one of: {', '.join(TASKS)}.")
    if value != worker_task:
        raise InputError(
            f"task {value} is not served by this endpoint, which runs {worker_task}. "
            f"Leave task out or send the request to an endpoint that runs {value}."
        )
    return TASKS[value]


def _validate_prompt(value: Any, max_chars: int) -> str:
    if value is None:
        raise InputError("prompt is missing. Describe the video you want in a few words.")
    if not isinstance(value, str):
        raise InputError(f"prompt must be text, not {type(value).__name__}.")
    prompt = value.strip()
    if not prompt:
        raise InputError("prompt is empty. Describe the video you want in a few words.")
    if len(prompt) > max_chars:
        raise InputError(
            f"prompt is {len(prompt)} characters long, more than the maximum of {max_chars}. "
            "Shorten it and try again."
        )
    return prompt


def _validate_negative_prompt(value: Any, max_chars: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InputError(f"negative_prompt must be text, not {type(value).__name__}.")
    negative_prompt = value.strip()
    if len(negative_prompt) > max_chars:
        raise InputError(
            f"negative_prompt is {len(negative_prompt)} characters long, more than the maximum "
            f"of {max_chars}. Shorten it and try again."
        )
    return negative_prompt


def _validate_size(value: Any, spec: TaskSpec) -> str:
    if value is None:
        return spec.default_size
    supported = ", ".join(spec.sizes)
    if not isinstance(value, str):
        raise InputError(f"size must be text such as {spec.default_size!r}. Use one of: {supported}.")
    size = value.strip().replace("x", "*").replace("X", "*")
    if size not in spec.sizes:
        raise InputError(
            f"size {value} is not supported by {spec.name}. Use one of: {supported} (width*height)."
        )
    return size


def _validate_frame_num(value: Any, spec: TaskSpec, limits: Limits) -> int | None:
    maximum = limits.max_frame_num if limits.max_frame_num is not None else spec.frame_num
    frame_num = _optional_int({"frame_num": value}, "frame_num", MIN_FRAME_NUM, maximum)
    if frame_num is None or (frame_num - 1) % 4 == 0:
        return frame_num

    below = frame_num - (frame_num - 1) % 4
    above = below + 4
    choices = [str(n) for n in (below, above) if MIN_FRAME_NUM <= n <= maximum]
    raise InputError(
        f"frame_num {frame_num} is invalid: Wan needs 4n+1 frames. Use {' or '.join(choices)}."
    )


def _validate_image_presence(spec: TaskSpec, image_url: str | None, image_base64: str | None) -> None:
    if image_url is not None and image_base64 is not None:
        raise InputError("Send either image_url or image_base64, not both.")
    has_image = image_url is not None or image_base64 is not None
    if spec.image is ImagePolicy.REQUIRED and not has_image:
        raise InputError(f"{spec.name} makes a video from an image: set image_url or image_base64.")
    if spec.image is ImagePolicy.REJECTED and has_image:
        raise InputError(
            f"{spec.name} is text-to-video only and takes no image. Remove the image, or send "
            "it to an endpoint that runs i2v-A14B or ti2v-5B."
        )


def _optional_string(raw: dict, name: str) -> str | None:
    value = raw.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(f"{name} must be text, not {type(value).__name__}.")
    if not value.strip():
        raise InputError(f"{name} is empty. Leave it out or send the image.")
    return value.strip()


def _optional_int(raw: dict, name: str, minimum: int, maximum: int) -> int | None:
    value = raw.get(name)
    if value is None:
        return None
    # JSON has one number type, so a whole float such as 121.0 is accepted as 121.
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"{name} must be a whole number, not {value!r}.")
    if not minimum <= value <= maximum:
        raise InputError(
            f"{name} {value} is out of range. Use a whole number from {minimum} to {maximum}."
        )
    return value


def _optional_number(
    raw: dict, name: str, minimum: float, maximum: float, exclusive_low: bool = False
) -> float | None:
    value = raw.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InputError(f"{name} must be a number, not {value!r}.")
    too_low = value <= minimum if exclusive_low else value < minimum
    if too_low or value > maximum:
        low = f"more than {minimum:g}" if exclusive_low else f"from {minimum:g}"
        raise InputError(f"{name} {value:g} is out of range. Use a number {low} up to {maximum:g}.")
    return float(value)
