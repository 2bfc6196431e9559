"""RunPod Serverless worker that turns text (and images) into Wan2.2 videos.

One worker process serves one Wan2.2 task, chosen by WAN_TASK (ti2v-5B, t2v-A14B or
i2v-A14B). The pipeline is built once, at start (WAN_PRELOAD=1, the default) or by the
first job, and every later job reuses it. A job:

1. validates ``input`` against the contract (see README.md and contract/request.json),
2. downloads or decodes the input image, if any,
3. runs ``pipeline.generate()`` with the task config's defaults for every field the
   request leaves out, sending progress updates while it denoises,
4. saves the MP4 with Wan's save_video() and checks the file,
5. uploads it to the configured bucket and returns a presigned URL, or returns it as
   base64 when no bucket is configured and it is small enough.

Failures come back as ``{"error": "<sentence a chat user can read>"}``, which RunPod
reports as a FAILED job. torch, wan, Pillow, runpod and boto3 are imported only inside
the functions that need them, so the tests can run with stand-ins for them.
"""

import logging
import os
import random
import re
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from wan_worker.checkpoints import find_checkpoint_dir
from wan_worker.errors import ConfigError, InputError, JobError, WorkerError
from wan_worker.fake import FakeBackend
from wan_worker.images import decode_image_base64, download_image, open_rgb_image
from wan_worker.mp4 import InvalidMp4Error, read_mp4_facts
from wan_worker.progress import DenoisingListener, ProgressReporter, count_denoising_steps
from wan_worker.settings import RUNPOD_VOLUME, Settings
from wan_worker.storage import (
    S3_CONFIG_NAMES,
    ENV_NAMES,
    check_upload_support,
    inline_video,
    redact,
    resolve_bucket,
    upload_video,
)
from wan_worker.tasks import TASKS
from wan_worker.validation import GenerationRequest, validate_input

log = logging.getLogger("wan_worker.handler")

# Wan2.2 pipeline class of each task, as generate.py picks it.
PIPELINE_CLASSES = {"ti2v-5B": "WanTI2V", "t2v-A14B": "WanT2V", "i2v-A14B": "WanI2V"}

# Seeds the worker picks itself stay below 2**31, so clients that store seeds as 32-bit
# integers can send them back unchanged.
PICKED_SEED_LIMIT = 2**31

# RunPod sets this variable on its workers. Without it the SDK runs a local test job, which
# has no job-done URL to send progress to.
RUNPOD_OUTPUT_URL_VARIABLE = "RUNPOD_WEBHOOK_POST_OUTPUT"


@dataclass(frozen=True)
class Sampling:
    """The generate() arguments of one job after defaults are filled in."""

    frame_num: int
    sample_steps: int
    sample_shift: float
    # A pair (low-noise, high-noise) when the A14B config default is used.
    guide_scale: float | tuple[float, float]
    fps: int


def resolve_sampling(request: GenerationRequest, config: Any) -> Sampling:
    """Fill every sampling field the request leaves out from the Wan task config.

    The defaults of the pipelines' generate() methods differ from the task configs (for
    example WanT2V.generate() defaults to 50 steps and shift 5.0, the t2v-A14B config to
    40 and 12.0), so the worker always passes every value, as Wan's generate.py does.
    """

    def pick(value, default):
        return default if value is None else value

    return Sampling(
        frame_num=pick(request.frame_num, config.frame_num),
        sample_steps=pick(request.sample_steps, config.sample_steps),
        sample_shift=pick(request.sample_shift, config.sample_shift),
        guide_scale=pick(request.guide_scale, config.sample_guide_scale),
        fps=config.sample_fps,
    )


class WanBackend:
    """The Wan2.2 pipeline of one task, built once per worker process and shared by all jobs."""

    def __init__(self, settings: Settings, volume: str = RUNPOD_VOLUME):
        self.task = settings.task
        self._settings = settings
        self._volume = volume
        self._lock = threading.Lock()
        self._pipeline = None
        self._torch = None
        self.config = None
        self.progress_module = None

    @property
    def loaded(self) -> bool:
        return self._pipeline is not None

    def load(self) -> None:
        """Build the pipeline unless it exists. A failed load is not cached; the next job retries."""
        with self._lock:
            if self._pipeline is not None:
                return

            import torch
            import wan
            from wan.configs import WAN_CONFIGS

            if not torch.cuda.is_available():
                raise WorkerError(
                    "The worker has no usable CUDA GPU, so it cannot run Wan2.2. The operator "
                    "should check the endpoint's GPU type and the image's CUDA version."
                )

            spec = TASKS[self.task]
            checkpoint_dir = find_checkpoint_dir(spec, self._settings.checkpoint_dir, self._volume)
            config = WAN_CONFIGS[self.task]
            pipeline_class = getattr(wan, PIPELINE_CLASSES[self.task])
            log.info(
                "Loading %s from %s (t5_cpu=%s, convert_model_dtype=%s)",
                pipeline_class.__name__,
                checkpoint_dir,
                self._settings.t5_cpu,
                self._settings.convert_model_dtype,
            )
            pipeline = pipeline_class(
                config=config,
                checkpoint_dir=checkpoint_dir,
                device_id=0,
                rank=0,
                t5_fsdp=False,
                dit_fsdp=False,
                use_sp=False,
                t5_cpu=self._settings.t5_cpu,
                init_on_cpu=True,
                convert_model_dtype=self._settings.convert_model_dtype,
            )

            self._torch = torch
            self.config = config
            # Wan's denoising loop calls the tqdm imported into the pipeline's own module.
            self.progress_module = sys.modules[type(pipeline).__module__]
            self._pipeline = pipeline

    def generate(self, request: GenerationRequest, image, sampling: Sampling, seed: int):
        """Run pipeline.generate() and return the video tensor (C, N, H, W) in [-1, 1]."""
        common = {
            "frame_num": sampling.frame_num,
            "shift": sampling.sample_shift,
            "sample_solver": "unipc",
            "sampling_steps": sampling.sample_steps,
            "guide_scale": sampling.guide_scale,
            "n_prompt": request.negative_prompt,
            "seed": seed,
            "offload_model": self._settings.offload_model,
        }
        size = (request.width, request.height)
        max_area = request.width * request.height

        if self.task == "t2v-A14B":
            return self._pipeline.generate(request.prompt, size=size, **common)
        if self.task == "i2v-A14B":
            # The size sets the pixel area only; the aspect ratio follows the input image.
            return self._pipeline.generate(request.prompt, image, max_area=max_area, **common)
        # ti2v-5B runs text-to-video with img=None and image-to-video otherwise.
        return self._pipeline.generate(
            request.prompt, img=image, size=size, max_area=max_area, **common
        )

    def video_shape(self, video) -> tuple[int, int, int]:
        """Return (frames, height, width) of the generated tensor."""
        _, frames, height, width = video.shape
        return int(frames), int(height), int(width)

    def save(self, video, path: str, fps: int) -> None:
        from wan.utils.utils import save_video

        # save_video() catches every exception and only logs it; the caller checks the file.
        save_video(
            tensor=video[None],
            save_file=path,
            fps=fps,
            nrow=1,
            normalize=True,
            value_range=(-1, 1),
        )

    def release_memory(self) -> None:
        if self._torch is not None and self._torch.cuda.is_available():
            self._torch.cuda.empty_cache()


class StageTimer(DenoisingListener):
    """Turns the denoising loop's callbacks into progress updates and stage timestamps."""

    def __init__(self, reporter: ProgressReporter, clock: Callable[[], float]):
        self._reporter = reporter
        self._clock = clock
        self.denoise_started: float | None = None
        self.denoise_finished: float | None = None

    def started(self, steps):
        self.denoise_started = self._clock()
        self._reporter.report("denoising", 0, steps)

    def step_finished(self, step, steps):
        self._reporter.report("denoising", step, steps)

    def finished(self):
        self.denoise_finished = self._clock()
        self._reporter.report("decoding")


class Worker:
    """Job runner on one backend, which builds its model on first use and keeps it."""

    def __init__(
        self,
        settings: Settings,
        backend=None,
        environ: Mapping[str, str] | None = None,
        send_progress: Callable[[dict, dict], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.settings = settings
        if backend is None:
            backend = (
                FakeBackend(settings.task, settings.fake_step_s)
                if settings.fake
                else WanBackend(settings)
            )
        self.backend = backend
        self._environ = os.environ if environ is None else environ
        self._send_progress = send_progress or send_runpod_progress
        self._clock = clock
        self._sleep = sleep

    def preload(self) -> bool:
        """Load the model before the first job; log and return False on failure."""
        try:
            self._load_backend()
        except JobError as error:
            log.error("Preloading the model failed; the first job will retry: %s", error)
            return False
        return True

    def handle(self, job: Mapping[str, Any]) -> dict:
        """Run one RunPod job and return its output, or {"error": message} on failure."""
        job_id = str(job.get("id", "unknown"))
        reporter = ProgressReporter(
            send=lambda update: self._send_progress(job, update),
            interval_s=self.settings.progress_interval_s,
            settle_s=self.settings.progress_settle_s,
            clock=self._clock,
            sleep=self._sleep,
        )
        secrets = known_secrets(job, self._environ)
        try:
            output = self._run(job, job_id, reporter)
        except JobError as error:
            message = redact(str(error), secrets)
            level = logging.WARNING if isinstance(error, InputError) else logging.ERROR
            log.log(level, "Job %s failed: %s", job_id, message)
            output = {"error": message}
        except Exception as error:
            detail = redact(f"{type(error).__name__}: {error}", secrets)
            # The traceback repeats the exception message, so it is redacted as well.
            trace = redact(traceback.format_exc(), secrets)
            log.error("Job %s failed unexpectedly: %s\n%s", job_id, detail, trace)
            output = {
                "error": f"Video generation failed unexpectedly ({detail[:300]}). Try again "
                "later; if it keeps failing, tell the operator."
            }
        finally:
            # No progress update may land after the result, whatever the outcome.
            reporter.settle()
        return output

    def _run(self, job: Mapping[str, Any], job_id: str, reporter: ProgressReporter) -> dict:
        started = self._clock()
        timings: dict[str, float] = {}

        request = validate_input(job.get("input"), self.settings.task, self.settings.limits)
        bucket = resolve_bucket(job, self._environ)
        if bucket is not None:
            check_upload_support()
        image = self._load_image(request, timings)
        seed = request.seed if request.seed is not None else random.randrange(PICKED_SEED_LIMIT)

        load_started = self._clock()
        if not self.backend.loaded:
            reporter.report("loading")
            self._load_backend()
        timings["load"] = self._clock() - load_started

        sampling = resolve_sampling(request, self.backend.config)
        log.info(
            "Job %s: %s %s, %d frames at %d fps, %d steps, shift %s, guide scale %s, seed %d, "
            "%s, prompt of %d characters",
            job_id,
            request.task,
            request.size,
            sampling.frame_num,
            sampling.fps,
            sampling.sample_steps,
            sampling.sample_shift,
            sampling.guide_scale,
            seed,
            "image-to-video" if image is not None else "text-to-video",
            len(request.prompt),
        )

        reporter.report("encoding")
        video = self._generate(request, image, sampling, seed, reporter, timings)
        expected_frames, _, _ = self.backend.video_shape(video)

        with tempfile.TemporaryDirectory(prefix="wan-", dir=self.settings.output_dir) as folder:
            path = os.path.join(folder, "video.mp4")
            save_started = self._clock()
            self.backend.save(video, path, sampling.fps)
            del video
            self.backend.release_memory()
            timings["save"] = self._clock() - save_started

            facts = check_saved_video(path)
            if facts.frames != expected_frames:
                log.warning(
                    "Job %s: the pipeline returned %d frames, the MP4 has %d",
                    job_id,
                    expected_frames,
                    facts.frames,
                )

            if bucket is not None:
                reporter.report("uploading")
                upload_started = self._clock()
                file_name = f"{request.task}_{facts.width}x{facts.height}_{seed}.mp4"
                key_prefix = "/".join(
                    part for part in (self.settings.bucket_key_prefix, safe_key_part(job_id)) if part
                )
                delivery = {"video_url": upload_video(path, bucket, key_prefix, file_name)}
                timings["upload"] = self._clock() - upload_started
            else:
                delivery = {"video_base64": inline_video(path, self.settings.max_inline_bytes)}

        timings["total"] = self._clock() - started
        log.info(
            "Job %s done: %d bytes, %dx%d, %d frames, %s",
            job_id,
            facts.bytes,
            facts.width,
            facts.height,
            facts.frames,
            ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings.items()),
        )
        return {
            **delivery,
            "mime": "video/mp4",
            "bytes": facts.bytes,
            "width": facts.width,
            "height": facts.height,
            "fps": sampling.fps,
            "frames": facts.frames,
            "duration_s": round(facts.frames / sampling.fps, 3),
            "seed": seed,
            "task": request.task,
            "timings_s": {name: round(seconds, 2) for name, seconds in timings.items()},
        }

    def _load_backend(self) -> None:
        try:
            self.backend.load()
        except JobError:
            raise
        except Exception as error:
            log.error("Loading %s failed", self.settings.task, exc_info=True)
            raise WorkerError(
                f"The worker could not load the Wan2.2 {self.settings.task} model "
                f"({type(error).__name__}: {error}). The operator should check the weights "
                "and the worker log."
            ) from None

    def _load_image(self, request: GenerationRequest, timings: dict[str, float]):
        if not request.has_image:
            return None
        limits = self.settings.limits
        started = self._clock()
        if request.image_url is not None:
            data = download_image(request.image_url, limits.max_image_bytes, limits.image_timeout_s)
            source = "image_url"
        else:
            data = decode_image_base64(request.image_base64, limits.max_image_bytes)
            source = "image_base64"
        # The fake backend ignores the image, so Pillow is not needed to try WAN_FAKE.
        image = data if self.settings.fake else open_rgb_image(data, source)
        timings["image"] = self._clock() - started
        return image

    def _generate(self, request, image, sampling, seed, reporter, timings):
        timer = StageTimer(reporter, self._clock)
        started = self._clock()
        try:
            with count_denoising_steps(self.backend.progress_module, timer):
                video = self.backend.generate(request, image, sampling, seed)
        except JobError:
            raise
        except Exception as error:
            self.backend.release_memory()
            if is_out_of_memory(error):
                log.error("GPU out of memory on %s %s", request.size, sampling.frame_num)
                raise WorkerError(
                    f"The GPU ran out of memory making {sampling.frame_num} frames at "
                    f"{request.size}. Try fewer frames or a smaller size."
                ) from None
            log.error("generate() failed", exc_info=True)
            raise WorkerError(
                f"Video generation failed ({type(error).__name__}: {error}). Try again; if it "
                "keeps failing, tell the operator."
            ) from None
        finished = self._clock()

        if video is None:
            raise WorkerError("The Wan pipeline returned no video. Tell the operator.")

        if timer.denoise_started is not None and timer.denoise_finished is not None:
            timings["encode"] = timer.denoise_started - started
            timings["denoise"] = timer.denoise_finished - timer.denoise_started
            timings["decode"] = finished - timer.denoise_finished
        else:
            timings["generate"] = finished - started
        return video


def check_saved_video(path: str):
    """Return the MP4 facts of path, or raise WorkerError if the file is missing or broken."""
    hint = "Wan's save_video() logs the cause; the operator should check the worker log."
    if not os.path.exists(path):
        raise WorkerError(f"Saving the video failed: no file was written. {hint}")
    if os.path.getsize(path) == 0:
        raise WorkerError(f"Saving the video failed: the file is empty. {hint}")
    try:
        return read_mp4_facts(path)
    except InvalidMp4Error as error:
        raise WorkerError(f"Saving the video failed: the file is not a valid MP4 ({error}). {hint}")


def is_out_of_memory(error: BaseException) -> bool:
    """Tell whether error is a CUDA out-of-memory error, without importing torch."""
    return type(error).__name__ == "OutOfMemoryError" or "CUDA out of memory" in str(error)


def safe_key_part(text: str) -> str:
    """Return text with every character outside [A-Za-z0-9._-] replaced by "_", for bucket keys."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", text)


def known_secrets(job: Mapping[str, Any], environ: Mapping[str, str]) -> tuple[str, ...]:
    """Return the bucket credentials of the job and the environment, to redact from messages."""
    secrets = [environ.get(ENV_NAMES[field]) for field in ("access_key_id", "secret_access_key")]
    s3_config = job.get("s3Config")
    if isinstance(s3_config, Mapping):
        secrets += [s3_config.get(S3_CONFIG_NAMES[f]) for f in ("access_key_id", "secret_access_key")]
    return tuple(secret for secret in secrets if isinstance(secret, str) and secret)


def send_runpod_progress(job: Mapping[str, Any], update: dict) -> None:
    """Send update with runpod's progress_update, or only log it in a local test run."""
    if not os.environ.get(RUNPOD_OUTPUT_URL_VARIABLE):
        log.info("Progress of job %s (local run, not sent): %s", job.get("id"), update)
        return
    import runpod

    runpod.serverless.progress_update(job, update)


_worker: Worker | None = None
_worker_lock = threading.Lock()


def get_worker() -> Worker:
    """Return the process-wide worker, creating it from the environment on first use."""
    global _worker
    with _worker_lock:
        if _worker is None:
            _worker = Worker(Settings.from_env())
        return _worker


def handler(job: dict) -> dict:
    """RunPod handler: run one job on the process-wide worker."""
    try:
        worker = get_worker()
    except ConfigError as error:
        log.error("Invalid worker configuration: %s", error)
        return {"error": f"The video worker is misconfigured: {error} Tell the operator."}
    return worker.handle(job)


def main() -> None:
    logging.basicConfig(
        level=os.environ.get("WAN_LOG_LEVEL", "INFO").upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        worker = get_worker()
    except ConfigError as error:
        log.error("Invalid worker configuration: %s", error)
        sys.exit(2)

    if worker.settings.preload:
        worker.preload()

    import runpod

    runpod.serverless.start({"handler": handler})


if __name__ == "__main__":
    main()
