"""Stand-ins for torch, wan, runpod and boto3, inserted into sys.modules by the tests.

The fakes keep the call shapes the worker relies on: Wan pipelines whose generate() loops
over ``tqdm`` looked up in their own module, save_video() that swallows failures, and
rp_upload.upload_file_to_bucket() that returns a URL.
"""

import base64
import json
import logging
import os
import sys
import tempfile
import types
import unittest
from types import SimpleNamespace
from unittest import mock

SERVERLESS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONTRACT_DIR = os.path.join(SERVERLESS_DIR, "contract")

if SERVERLESS_DIR not in sys.path:
    sys.path.insert(0, SERVERLESS_DIR)

# Keeps expected warnings of the worker out of the test output. assertLogs still captures them.
logging.getLogger("wan_worker").addHandler(logging.NullHandler())


def load_fixture(name: str) -> dict:
    with open(os.path.join(CONTRACT_DIR, name), encoding="utf-8") as file:
        return json.load(file)


def tiny_mp4_bytes() -> bytes:
    """Return the real 128x72, 24-frame MP4 stored in the base64 contract fixture."""
    fixture = load_fixture("status-completed-base64.json")
    return base64.b64decode(fixture["output"]["video_base64"])


# Minimal valid files of each accepted type, as far as magic bytes go.
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 32
WEBP_BYTES = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 24
GIF_BYTES = b"GIF89a" + b"\x00" * 32

# Wan2.2 task configs at commit 42bf4cf, the fields the worker reads.
WAN_CONFIGS = {
    "ti2v-5B": SimpleNamespace(
        frame_num=121, sample_fps=24, sample_steps=50, sample_shift=5.0, sample_guide_scale=5.0
    ),
    "t2v-A14B": SimpleNamespace(
        frame_num=81, sample_fps=16, sample_steps=40, sample_shift=12.0, sample_guide_scale=(3.0, 4.0)
    ),
    "i2v-A14B": SimpleNamespace(
        frame_num=81, sample_fps=16, sample_steps=40, sample_shift=5.0, sample_guide_scale=(3.5, 3.5)
    ),
}


class FakeClock:
    """A monotonic clock that moves only when the test, or a fake sleep, moves it."""

    def __init__(self, start: float = 1000.0):
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class FakeTensor:
    """The generated video: only its shape (C, N, H, W) and video[None] matter to the worker."""

    def __init__(self, shape):
        self.shape = tuple(shape)

    def __getitem__(self, index):
        if index is None:
            return FakeTensor((1,) + self.shape)
        raise IndexError(index)


class OutOfMemoryError(RuntimeError):
    """Named like torch.cuda.OutOfMemoryError, which the worker recognises by name."""


class WanFake:
    """Installs fake torch and wan modules and records what the worker does with them."""

    def __init__(self, clock: FakeClock | None = None, step_s: float = 1.0):
        self.clock = clock
        self.step_s = step_s
        self.constructed: list[dict] = []
        self.generate_calls: list[dict] = []
        self.saved: list[dict] = []
        self.save_mode = "mp4"  # "mp4", "nothing", "empty" or "garbage"
        self.generate_error: Exception | None = None
        self.constructor_error: Exception | None = None
        self.cuda_available = True
        self.empty_cache_calls = 0
        self.progress_seen: list = []
        self.modules = self._build_modules()

    def install(self, test: unittest.TestCase) -> None:
        patcher = mock.patch.dict(sys.modules, self.modules)
        patcher.start()
        test.addCleanup(patcher.stop)

    def _build_modules(self) -> dict:
        fake = self
        torch = types.ModuleType("torch")
        torch.cuda = SimpleNamespace(
            is_available=lambda: fake.cuda_available,
            empty_cache=lambda: setattr(fake, "empty_cache_calls", fake.empty_cache_calls + 1),
        )

        wan = types.ModuleType("wan")
        configs = types.ModuleType("wan.configs")
        configs.WAN_CONFIGS = WAN_CONFIGS
        utils = types.ModuleType("wan.utils")
        utils_utils = types.ModuleType("wan.utils.utils")
        utils_utils.save_video = self._save_video
        wan.configs = configs
        wan.utils = utils
        utils.utils = utils_utils

        modules = {
            "torch": torch,
            "wan": wan,
            "wan.configs": configs,
            "wan.utils": utils,
            "wan.utils.utils": utils_utils,
        }
        for module_name, class_name in (
            ("wan.textimage2video", "WanTI2V"),
            ("wan.text2video", "WanT2V"),
            ("wan.image2video", "WanI2V"),
        ):
            module = types.ModuleType(module_name)
            module.tqdm = lambda iterable, *args, **kwargs: iterable
            pipeline_class = self._pipeline_class(class_name, module_name)
            setattr(module, class_name, pipeline_class)
            setattr(wan, class_name, pipeline_class)
            modules[module_name] = module
        return modules

    def _pipeline_class(self, class_name: str, module_name: str):
        fake = self

        def __init__(self, **kwargs):
            if fake.constructor_error is not None:
                raise fake.constructor_error
            fake.constructed.append({"class": class_name, **kwargs})
            self.config = kwargs["config"]

        def generate(self, input_prompt, *args, **kwargs):
            fake.generate_calls.append(
                {"class": class_name, "prompt": input_prompt, "args": args, **kwargs}
            )
            if fake.generate_error is not None:
                raise fake.generate_error
            # Wan looks tqdm up in its own module at call time, so the worker's wrapper runs.
            tqdm = sys.modules[module_name].tqdm
            for _ in tqdm(list(range(kwargs["sampling_steps"]))):
                if fake.clock is not None:
                    fake.clock.advance(fake.step_s)
            size = kwargs.get("size") or (832, 480)
            return FakeTensor((3, kwargs["frame_num"], size[1], size[0]))

        return type(class_name, (), {"__init__": __init__, "generate": generate, "__module__": module_name})

    def _save_video(self, tensor, save_file, fps, nrow, normalize, value_range):
        self.saved.append(
            {"shape": tensor.shape, "save_file": save_file, "fps": fps, "nrow": nrow,
             "normalize": normalize, "value_range": value_range}
        )  # fmt: skip
        # Like Wan's save_video, never raise: a failure only leaves a bad or missing file.
        if self.save_mode == "nothing":
            return
        with open(save_file, "wb") as file:
            if self.save_mode == "mp4":
                file.write(tiny_mp4_bytes())
            elif self.save_mode == "garbage":
                file.write(b"this is not a video" * 10)


class RunpodFake:
    """Installs fake runpod (with rp_upload and progress_update) and boto3 modules."""

    def __init__(self):
        self.uploads: list[dict] = []
        self.progress: list[tuple[dict, dict]] = []
        self.upload_result: str | None = None
        self.upload_error: Exception | None = None
        self.boto3_installed = True

    def install(self, test: unittest.TestCase) -> None:
        runpod = types.ModuleType("runpod")
        serverless = types.ModuleType("runpod.serverless")
        utils = types.ModuleType("runpod.serverless.utils")
        rp_upload = types.ModuleType("runpod.serverless.utils.rp_upload")
        rp_upload.upload_file_to_bucket = self._upload_file_to_bucket
        serverless.progress_update = lambda job, progress: self.progress.append((job, progress))
        serverless.utils = utils
        utils.rp_upload = rp_upload
        runpod.serverless = serverless

        modules = {
            "runpod": runpod,
            "runpod.serverless": serverless,
            "runpod.serverless.utils": utils,
            "runpod.serverless.utils.rp_upload": rp_upload,
            # None in sys.modules makes "import boto3" raise ImportError.
            "boto3": types.ModuleType("boto3") if self.boto3_installed else None,
        }
        patcher = mock.patch.dict(sys.modules, modules)
        patcher.start()
        test.addCleanup(patcher.stop)

    def _upload_file_to_bucket(self, file_name, file_location, bucket_creds=None, bucket_name=None,
                               prefix=None, extra_args=None):  # fmt: skip
        with open(file_location, "rb") as file:
            content = file.read()
        self.uploads.append(
            {"file_name": file_name, "bucket_creds": dict(bucket_creds or {}), "bucket_name": bucket_name,
             "prefix": prefix, "extra_args": extra_args, "content": content}
        )  # fmt: skip
        if self.upload_error is not None:
            raise self.upload_error
        if self.upload_result is not None:
            return self.upload_result
        key = f"{prefix}/{file_name}" if prefix else file_name
        return f"https://bucket.example.com/{bucket_name}/{key}?X-Amz-Signature=abc"


BUCKET_ENV = {
    "BUCKET_ENDPOINT_URL": "https://s3.example.com",
    "BUCKET_ACCESS_KEY_ID": "ENVKEYID1234",
    "BUCKET_SECRET_ACCESS_KEY": "env-secret-value-5678",
    "BUCKET_NAME": "videos",
}

S3_CONFIG = {
    "accessId": "JOBKEYID9876",
    "accessSecret": "job-secret-value-4321",
    "bucketName": "job-videos",
    "endpointUrl": "https://r2.example.com",
}


class FakeImage:
    """What the fake Pillow decodes: remembers the bytes and the conversions applied."""

    def __init__(self, data: bytes, mode: str = "P"):
        self.data = data
        self.mode = mode

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return False

    def load(self):
        if b"broken" in self.data:
            raise OSError("image file is truncated")

    def convert(self, mode):
        return FakeImage(self.data, mode)


def install_fake_pil(test: unittest.TestCase) -> None:
    pil = types.ModuleType("PIL")
    image_module = types.ModuleType("PIL.Image")
    image_module.open = lambda stream: FakeImage(stream.read())
    pil.Image = image_module
    patcher = mock.patch.dict(sys.modules, {"PIL": pil, "PIL.Image": image_module})
    patcher.start()
    test.addCleanup(patcher.stop)


def make_checkpoint_dir(test: unittest.TestCase, task: str) -> str:
    """Create an empty folder with the files and folders the task's checkpoint must have."""
    from wan_worker.tasks import TASKS

    folder = tempfile.TemporaryDirectory()
    test.addCleanup(folder.cleanup)
    for entry in TASKS[task].checkpoint_entries:
        path = os.path.join(folder.name, entry)
        if entry.endswith(".pth"):
            with open(path, "wb"):
                pass
        else:
            os.makedirs(path, exist_ok=True)
    return folder.name


class Harness:
    """A Worker wired to fake wan, torch, Pillow, runpod and boto3, on a fake clock.

    ``sent`` lists (clock time, update) for every progress update the worker sent.
    """

    def __init__(self, test: unittest.TestCase, task: str = "ti2v-5B", environ=None, **settings):
        import handler
        from wan_worker.settings import Settings

        self.clock = FakeClock()
        self.wan = WanFake(clock=self.clock, step_s=1.0)
        self.wan.install(test)
        self.runpod = RunpodFake()
        self.runpod.install(test)
        install_fake_pil(test)

        output_dir = tempfile.TemporaryDirectory()
        test.addCleanup(output_dir.cleanup)
        options = {
            "task": task,
            "checkpoint_dir": make_checkpoint_dir(test, task),
            "progress_interval_s": 5.0,
            "progress_settle_s": 3.0,
            "output_dir": output_dir.name,
        }
        options.update(settings)
        self.settings = Settings(**options)
        self.environ = {} if environ is None else environ
        self.sent: list[tuple[float, dict]] = []
        self.worker = handler.Worker(
            self.settings,
            environ=self.environ,
            send_progress=lambda job, update: self.sent.append((self.clock(), update)),
            clock=self.clock,
            sleep=self.clock.sleep,
        )

    def run(self, job_input: dict, job_id: str = "job-1", **job_fields) -> dict:
        return self.worker.handle({"id": job_id, "input": job_input, **job_fields})

    @property
    def stages(self) -> list[str]:
        return [update["stage"] for _, update in self.sent]
