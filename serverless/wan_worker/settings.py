"""Worker settings read from environment variables, validated once at start."""

import os
from dataclasses import dataclass
from typing import Mapping

from .errors import ConfigError
from .tasks import DEFAULT_TASK, TASKS

# RunPod mounts a network volume, and its model cache, under this folder in serverless workers.
RUNPOD_VOLUME = "/runpod-volume"

# RunPod keeps at most 10 MB of job output for /run. Base64 grows the file by 4/3, so 6 MB
# of video becomes 8 MB of text and leaves room for the other output fields.
DEFAULT_MAX_INLINE_BYTES = 6_000_000

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


@dataclass(frozen=True)
class Limits:
    """Bounds that every request is validated against."""

    max_prompt_chars: int = 2000
    # None means the default frame count of the task (121 for ti2v-5B, 81 for A14B).
    max_frame_num: int | None = None
    max_sample_steps: int = 100
    max_image_bytes: int = 20_000_000
    image_timeout_s: float = 30.0


@dataclass(frozen=True)
class Settings:
    """Everything the worker reads from its environment. See README.md for each variable."""

    task: str = DEFAULT_TASK
    # None lets the worker search the RunPod model cache, the network volume and /models.
    checkpoint_dir: str | None = None
    fake: bool = False
    preload: bool = True
    offload_model: bool = True
    convert_model_dtype: bool = True
    t5_cpu: bool = False
    limits: Limits = Limits()
    progress_interval_s: float = 5.0
    progress_settle_s: float = 3.0
    max_inline_bytes: int = DEFAULT_MAX_INLINE_BYTES
    bucket_key_prefix: str = "wan-videos"
    output_dir: str | None = None
    fake_step_s: float = 0.2

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        """Build settings from environment variables; raise ConfigError naming a bad one."""
        env = os.environ if environ is None else environ
        task = env.get("WAN_TASK", DEFAULT_TASK).strip()
        if task not in TASKS:
            raise ConfigError(f"WAN_TASK={task!r} is not supported; use one of {', '.join(TASKS)}.")

        limits = Limits(
            max_prompt_chars=_read_int(env, "WAN_MAX_PROMPT_CHARS", 2000, minimum=1),
            max_frame_num=_read_optional_int(env, "WAN_MAX_FRAME_NUM", minimum=5),
            max_sample_steps=_read_int(env, "WAN_MAX_SAMPLE_STEPS", 100, minimum=1),
            max_image_bytes=_read_int(env, "WAN_MAX_IMAGE_BYTES", 20_000_000, minimum=1),
            image_timeout_s=_read_float(env, "WAN_IMAGE_TIMEOUT_S", 30.0, minimum=0.1),
        )
        return cls(
            task=task,
            checkpoint_dir=env.get("WAN_CKPT_DIR") or None,
            fake=_read_bool(env, "WAN_FAKE", False),
            preload=_read_bool(env, "WAN_PRELOAD", True),
            offload_model=_read_bool(env, "WAN_OFFLOAD_MODEL", True),
            convert_model_dtype=_read_bool(env, "WAN_CONVERT_MODEL_DTYPE", True),
            t5_cpu=_read_bool(env, "WAN_T5_CPU", False),
            limits=limits,
            progress_interval_s=_read_float(env, "WAN_PROGRESS_INTERVAL_S", 5.0, minimum=0.0),
            progress_settle_s=_read_float(env, "WAN_PROGRESS_SETTLE_S", 3.0, minimum=0.0),
            max_inline_bytes=_read_int(
                env, "WAN_MAX_INLINE_BYTES", DEFAULT_MAX_INLINE_BYTES, minimum=0
            ),
            bucket_key_prefix=env.get("BUCKET_KEY_PREFIX", "wan-videos").strip("/"),
            output_dir=env.get("WAN_OUTPUT_DIR") or None,
            fake_step_s=_read_float(env, "WAN_FAKE_STEP_S", 0.2, minimum=0.0),
        )


def _read_bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigError(f"{name}={raw!r} is not a boolean; use 1 or 0.")


def _read_int(env: Mapping[str, str], name: str, default: int, minimum: int) -> int:
    value = _read_optional_int(env, name, minimum)
    return default if value is None else value


def _read_optional_int(env: Mapping[str, str], name: str, minimum: int) -> int | None:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return None
    try:
        value = int(raw.strip().replace("_", ""))
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not an integer.") from None
    if value < minimum:
        raise ConfigError(f"{name}={value} is below the minimum of {minimum}.")
    return value


def _read_float(env: Mapping[str, str], name: str, default: float, minimum: float) -> float:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw.strip())
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a number.") from None
    if not value >= minimum:  # Also true for NaN.
        raise ConfigError(f"{name}={raw!r} is invalid; use a number of at least {minimum:g}.")
    return value
