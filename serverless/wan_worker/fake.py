"""WAN_FAKE mode: a stand-in for the Wan2.2 pipeline that needs no GPU and no weights.

It walks the same stages as the real pipeline (its denoising loop runs through this
module's ``tqdm``, which the worker wraps exactly like Wan's) and writes an ffmpeg test
pattern of the requested size, frame count and frame rate. Operators use it to check the
endpoint, the bucket and the bot before paying for a large GPU.
"""

import logging
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from types import SimpleNamespace

from .errors import WorkerError
from .tasks import TASKS

log = logging.getLogger(__name__)

FFMPEG_TIMEOUT_S = 300


def tqdm(iterable, *args, **kwargs):
    """Return the iterable unchanged; the worker swaps this name out to count steps."""
    return iterable


@dataclass(frozen=True)
class FakeVideo:
    """Shape of the test clip that the fake pipeline stands for."""

    width: int
    height: int
    frames: int


class FakeBackend:
    """Drop-in for the worker's Wan backend; see the module docstring."""

    def __init__(self, task: str, step_s: float, load_s: float = 1.0, sleep=time.sleep):
        spec = TASKS[task]
        self.task = task
        self.config = SimpleNamespace(
            frame_num=spec.frame_num,
            sample_fps=spec.sample_fps,
            sample_steps=spec.sample_steps,
            sample_shift=spec.sample_shift,
            sample_guide_scale=spec.sample_guide_scale,
        )
        self._step_s = step_s
        self._load_s = load_s
        self._sleep = sleep
        self.loaded = False
        self.load_count = 0
        # The worker wraps this module's tqdm, as it wraps the one in Wan's pipeline module.
        self.progress_module = sys.modules[__name__]

    def load(self) -> None:
        if self.loaded:
            return
        log.info("WAN_FAKE: pretending to load %s; no model is loaded", self.task)
        self._sleep(self._load_s)
        self.load_count += 1
        self.loaded = True

    def generate(self, request, image, sampling, seed) -> FakeVideo:
        self._sleep(self._step_s)
        for _ in tqdm(range(sampling.sample_steps)):
            self._sleep(self._step_s)
        self._sleep(self._step_s)
        return FakeVideo(width=request.width, height=request.height, frames=sampling.frame_num)

    def video_shape(self, video: FakeVideo) -> tuple[int, int, int]:
        return video.frames, video.height, video.width

    def save(self, video: FakeVideo, path: str, fps: int) -> None:
        command = [
            find_ffmpeg(),
            "-v", "error",
            "-y",
            "-f", "lavfi",
            "-i", f"testsrc2=size={video.width}x{video.height}:rate={fps}",
            "-frames:v", str(video.frames),
            "-c:v", "libx264",
            "-pix_fmt", "yuv420p",
            "-movflags", "+faststart",
            path,
        ]  # fmt: skip
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=FFMPEG_TIMEOUT_S)
        except subprocess.CalledProcessError as error:
            message = error.stderr.decode(errors="replace").strip()[-500:]
            raise WorkerError(f"WAN_FAKE could not write the test clip: ffmpeg failed ({message}).")
        except subprocess.TimeoutExpired:
            raise WorkerError(
                f"WAN_FAKE could not write the test clip: ffmpeg timed out after {FFMPEG_TIMEOUT_S} s."
            ) from None

    def release_memory(self) -> None:
        pass


def find_ffmpeg() -> str:
    """Return an ffmpeg executable: FFMPEG_BINARY, then PATH, then the one imageio-ffmpeg ships."""
    configured = os.environ.get("FFMPEG_BINARY")
    if configured:
        return configured
    on_path = shutil.which("ffmpeg")
    if on_path:
        return on_path
    try:
        import imageio_ffmpeg
    except ImportError:
        raise WorkerError(
            "WAN_FAKE needs ffmpeg, but none was found. Install ffmpeg or imageio-ffmpeg."
        ) from None
    return imageio_ffmpeg.get_ffmpeg_exe()
