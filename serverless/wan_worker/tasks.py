"""The Wan2.2 tasks this worker serves and the facts it needs about each.

The defaults are those of ``wan/configs/wan_*.py`` at Wan2.2 commit 42bf4cf. The real
pipeline takes its defaults from ``wan.configs.WAN_CONFIGS`` at run time. This table
serves input validation before the model is loaded, the WAN_FAKE mode, and the README.
"""

import enum
from dataclasses import dataclass


class ImagePolicy(enum.Enum):
    """Rule for the input image of a task: rejected, optional or required."""

    REJECTED = "rejected"
    OPTIONAL = "optional"
    REQUIRED = "required"


@dataclass(frozen=True)
class TaskSpec:
    """Sizes, sampling defaults, image policy and checkpoint layout of one Wan2.2 task."""

    name: str
    sizes: tuple[str, ...]
    default_size: str
    frame_num: int
    sample_fps: int
    sample_steps: int
    sample_shift: float
    # A pair (low-noise expert, high-noise expert) for the A14B mixture-of-experts models.
    sample_guide_scale: float | tuple[float, float]
    image: ImagePolicy
    hugging_face_repo: str
    # Files and folders that must exist in the checkpoint directory before loading.
    checkpoint_entries: tuple[str, ...]


A14B_SIZES = ("720*1280", "1280*720", "480*832", "832*480")

T5_ENTRIES = ("models_t5_umt5-xxl-enc-bf16.pth", "google/umt5-xxl")

TASKS: dict[str, TaskSpec] = {
    "ti2v-5B": TaskSpec(
        name="ti2v-5B",
        sizes=("1280*704", "704*1280"),
        default_size="1280*704",
        frame_num=121,
        sample_fps=24,
        sample_steps=50,
        sample_shift=5.0,
        sample_guide_scale=5.0,
        image=ImagePolicy.OPTIONAL,
        hugging_face_repo="Wan-AI/Wan2.2-TI2V-5B",
        checkpoint_entries=T5_ENTRIES + ("Wan2.2_VAE.pth",),
    ),
    "t2v-A14B": TaskSpec(
        name="t2v-A14B",
        sizes=A14B_SIZES,
        default_size="1280*720",
        frame_num=81,
        sample_fps=16,
        sample_steps=40,
        sample_shift=12.0,
        sample_guide_scale=(3.0, 4.0),
        image=ImagePolicy.REJECTED,
        hugging_face_repo="Wan-AI/Wan2.2-T2V-A14B",
        checkpoint_entries=T5_ENTRIES + ("Wan2.1_VAE.pth", "high_noise_model", "low_noise_model"),
    ),
    "i2v-A14B": TaskSpec(
        name="i2v-A14B",
        sizes=A14B_SIZES,
        default_size="1280*720",
        frame_num=81,
        sample_fps=16,
        sample_steps=40,
        sample_shift=5.0,
        sample_guide_scale=(3.5, 3.5),
        image=ImagePolicy.REQUIRED,
        hugging_face_repo="Wan-AI/Wan2.2-I2V-A14B",
        checkpoint_entries=T5_ENTRIES + ("Wan2.1_VAE.pth", "high_noise_model", "low_noise_model"),
    ),
}

DEFAULT_TASK = "ti2v-5B"


def parse_size(size: str) -> tuple[int, int]:
    """Return (width, height) of a Wan size string such as ``1280*704``.

    Raises ValueError unless the string is two positive integers joined by ``*``.
    """
    parts = size.split("*")
    if len(parts) != 2 or not all(part.isdigit() for part in parts):
        raise ValueError(f"not a W*H size: {size!r}")
    width, height = int(parts[0]), int(parts[1])
    if width <= 0 or height <= 0:
        raise ValueError(f"not a W*H size: {size!r}")
    return width, height
