"""WAN_FAKE mode with a real ffmpeg: the same stages and output as a real job, no GPU."""

import base64
import os
import shutil
import tempfile
import unittest

from . import support
import handler
from wan_worker.fake import FakeBackend
from wan_worker.mp4 import read_mp4_facts
from wan_worker.settings import Settings


@unittest.skipUnless(shutil.which("ffmpeg"), "ffmpeg is not installed")
class FakeModeTests(unittest.TestCase):
    def make_worker(self, environ=None, task="ti2v-5B"):
        self.runpod = support.RunpodFake()
        self.runpod.install(self)
        self.clock = support.FakeClock()
        self.sent = []
        output_dir = tempfile.TemporaryDirectory()
        self.addCleanup(output_dir.cleanup)
        settings = Settings(task=task, fake=True, fake_step_s=0.0, output_dir=output_dir.name)
        backend = FakeBackend(task, step_s=0.0, load_s=0.0)
        return handler.Worker(
            settings,
            backend=backend,
            environ=environ or {},
            send_progress=lambda job, update: self.sent.append(update),
            clock=self.clock,
            sleep=self.clock.sleep,
        )

    def decode_output(self, output) -> str:
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        path = os.path.join(folder.name, "out.mp4")
        with open(path, "wb") as file:
            file.write(base64.b64decode(output["video_base64"]))
        return path

    def test_fake_clip_matches_reported_facts(self):
        worker = self.make_worker()

        output = worker.handle({"id": "fake-1", "input": {"prompt": "a fox", "frame_num": 9, "size": "704*1280"}})

        facts = read_mp4_facts(self.decode_output(output))
        self.assertEqual((facts.width, facts.height, facts.frames), (704, 1280, 9))
        self.assertEqual((output["width"], output["height"], output["frames"]), (704, 1280, 9))
        self.assertEqual(output["bytes"], facts.bytes)
        self.assertEqual(output["fps"], 24)
        self.assertAlmostEqual(output["duration_s"], 9 / 24, places=3)

    def test_fake_walks_the_real_stages(self):
        worker = self.make_worker()

        worker.handle({"id": "fake-2", "input": {"prompt": "a fox", "frame_num": 5, "sample_steps": 4}})

        stages = [update["stage"] for update in self.sent]
        self.assertEqual(stages, ["loading", "encoding", "denoising", "decoding"])
        self.assertEqual(self.sent[2], {"stage": "denoising", "percent": 0, "step": 0, "steps": 4})

    def test_fake_loads_once(self):
        worker = self.make_worker()

        for n in range(2):
            worker.handle({"id": f"fake-{n}", "input": {"prompt": "a fox", "frame_num": 5, "sample_steps": 2}})

        self.assertEqual(worker.backend.load_count, 1)

    def test_fake_uploads_to_bucket(self):
        worker = self.make_worker(environ=dict(support.BUCKET_ENV))

        output = worker.handle({"id": "fake-3", "input": {"prompt": "a fox", "frame_num": 5, "sample_steps": 2}})

        self.assertTrue(output["video_url"].startswith("https://"))
        self.assertEqual(self.runpod.uploads[0]["content"][4:8], b"ftyp")
        self.assertEqual(self.sent[-1]["stage"], "uploading")

    def test_fake_checks_image_type_only(self):
        worker = self.make_worker(task="i2v-A14B")
        image = base64.b64encode(support.GIF_BYTES).decode()

        gif_output = worker.handle({"id": "fake-4", "input": {"prompt": "a fox", "image_base64": image}})
        png = base64.b64encode(support.PNG_BYTES).decode()
        png_output = worker.handle(
            {"id": "fake-5", "input": {"prompt": "a fox", "image_base64": png, "frame_num": 5, "sample_steps": 1}}
        )

        self.assertIn("not a PNG, JPEG or WebP file", gif_output["error"])
        self.assertNotIn("error", png_output)

    def test_fake_from_environment(self):
        worker = handler.Worker(Settings.from_env({"WAN_FAKE": "1", "WAN_TASK": "t2v-A14B"}))

        self.assertIsInstance(worker.backend, FakeBackend)
        self.assertEqual(worker.backend.task, "t2v-A14B")


if __name__ == "__main__":
    unittest.main()
