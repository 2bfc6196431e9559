"""Environment variables of the worker and the checkpoint search."""

import os
import tempfile
import time
import unittest

from . import support
from wan_worker.checkpoints import candidate_dirs, find_checkpoint_dir
from wan_worker.errors import ConfigError, WorkerError
from wan_worker.settings import Settings
from wan_worker.tasks import TASKS


class SettingsTests(unittest.TestCase):
    def test_defaults(self):
        settings = Settings.from_env({})

        self.assertEqual(settings.task, "ti2v-5B")
        self.assertIsNone(settings.checkpoint_dir)
        self.assertFalse(settings.fake)
        self.assertTrue(settings.preload)
        self.assertTrue(settings.offload_model)
        self.assertTrue(settings.convert_model_dtype)
        self.assertFalse(settings.t5_cpu)
        self.assertEqual(settings.progress_interval_s, 5.0)
        self.assertEqual(settings.progress_settle_s, 3.0)
        self.assertEqual(settings.max_inline_bytes, 6_000_000)
        self.assertEqual(settings.limits.max_prompt_chars, 2000)
        self.assertIsNone(settings.limits.max_frame_num)

    def test_inline_default_fits_runpod_limit(self):
        # RunPod keeps at most 10 MB of /run output; base64 makes 4 bytes of every 3.
        self.assertLessEqual(Settings().max_inline_bytes * 4 / 3, 10_000_000 * 0.85)

    def test_values_read(self):
        settings = Settings.from_env(
            {
                "WAN_TASK": "i2v-A14B",
                "WAN_CKPT_DIR": "/runpod-volume/Wan2.2-I2V-A14B",
                "WAN_FAKE": "yes",
                "WAN_PRELOAD": "0",
                "WAN_T5_CPU": "true",
                "WAN_MAX_FRAME_NUM": "161",
                "WAN_PROGRESS_INTERVAL_S": "2.5",
                "WAN_MAX_INLINE_BYTES": "1_000_000",
                "BUCKET_KEY_PREFIX": "/bot/videos/",
            }
        )

        self.assertEqual(settings.task, "i2v-A14B")
        self.assertEqual(settings.checkpoint_dir, "/runpod-volume/Wan2.2-I2V-A14B")
        self.assertTrue(settings.fake)
        self.assertFalse(settings.preload)
        self.assertTrue(settings.t5_cpu)
        self.assertEqual(settings.limits.max_frame_num, 161)
        self.assertEqual(settings.progress_interval_s, 2.5)
        self.assertEqual(settings.max_inline_bytes, 1_000_000)
        self.assertEqual(settings.bucket_key_prefix, "bot/videos")

    def test_invalid_values_name_the_variable(self):
        cases = {
            "WAN_TASK": ("s2v-14B", "WAN_TASK='s2v-14B' is not supported"),
            "WAN_FAKE": ("maybe", "WAN_FAKE='maybe' is not a boolean"),
            "WAN_MAX_PROMPT_CHARS": ("many", "WAN_MAX_PROMPT_CHARS='many' is not an integer"),
            "WAN_MAX_FRAME_NUM": ("1", "WAN_MAX_FRAME_NUM=1 is below the minimum of 5"),
            "WAN_PROGRESS_SETTLE_S": ("-1", "WAN_PROGRESS_SETTLE_S='-1' is invalid; use a number of at least 0"),
            "WAN_IMAGE_TIMEOUT_S": ("nan", "WAN_IMAGE_TIMEOUT_S='nan' is invalid; use a number of at least 0.1"),
        }
        for name, (value, expected) in cases.items():
            with self.subTest(name=name):
                with self.assertRaises(ConfigError) as caught:
                    Settings.from_env({name: value})
                self.assertIn(expected, str(caught.exception))


class CheckpointSearchTests(unittest.TestCase):
    def setUp(self):
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.volume = os.path.join(folder.name, "runpod-volume")
        self.baked = os.path.join(folder.name, "models")
        os.makedirs(self.volume)
        self.spec = TASKS["ti2v-5B"]

    def fill(self, directory):
        for entry in self.spec.checkpoint_entries:
            path = os.path.join(directory, entry)
            if entry.endswith(".pth"):
                os.makedirs(os.path.dirname(path), exist_ok=True)
                open(path, "wb").close()
            else:
                os.makedirs(path, exist_ok=True)
        return directory

    def test_model_cache_preferred(self):
        snapshot = os.path.join(
            self.volume, "huggingface-cache", "hub", "models--Wan-AI--Wan2.2-TI2V-5B", "snapshots", "abc123"
        )
        self.fill(snapshot)
        self.fill(os.path.join(self.volume, "Wan2.2-TI2V-5B"))

        found = find_checkpoint_dir(self.spec, None, self.volume, self.baked)

        self.assertEqual(found, snapshot)

    def test_newest_snapshot_first(self):
        snapshots = os.path.join(self.volume, "huggingface-cache", "hub", "models--Wan-AI--Wan2.2-TI2V-5B", "snapshots")
        old = self.fill(os.path.join(snapshots, "old"))
        new = self.fill(os.path.join(snapshots, "new"))
        os.utime(old, (time.time() - 3600, time.time() - 3600))

        self.assertEqual(candidate_dirs(self.spec, self.volume, self.baked)[0], new)

    def test_network_volume_then_baked(self):
        baked = self.fill(os.path.join(self.baked, "Wan2.2-TI2V-5B"))

        self.assertEqual(find_checkpoint_dir(self.spec, None, self.volume, self.baked), baked)

    def test_incomplete_candidate_skipped(self):
        os.makedirs(os.path.join(self.volume, "Wan2.2-TI2V-5B"))
        baked = self.fill(os.path.join(self.baked, "Wan2.2-TI2V-5B"))

        with self.assertLogs("wan_worker.checkpoints", "WARNING") as logs:
            found = find_checkpoint_dir(self.spec, None, self.volume, self.baked)

        self.assertEqual(found, baked)
        self.assertIn("lacks", logs.output[0])

    def test_nothing_found_lists_places(self):
        with self.assertRaises(WorkerError) as caught:
            find_checkpoint_dir(self.spec, None, self.volume, self.baked)

        message = str(caught.exception)
        self.assertIn(os.path.join(self.volume, "Wan2.2-TI2V-5B"), message)
        self.assertIn(os.path.join(self.baked, "Wan2.2-TI2V-5B"), message)
        self.assertIn("Wan-AI/Wan2.2-TI2V-5B", message)

    def test_configured_directory_checked(self):
        configured = os.path.join(self.volume, "custom")
        os.makedirs(configured)

        with self.assertRaises(WorkerError) as caught:
            find_checkpoint_dir(self.spec, configured, self.volume, self.baked)

        self.assertIn("lacks models_t5_umt5-xxl-enc-bf16.pth, google/umt5-xxl, Wan2.2_VAE.pth", str(caught.exception))

    def test_a14b_needs_both_experts(self):
        spec = TASKS["t2v-A14B"]

        self.assertIn("high_noise_model", spec.checkpoint_entries)
        self.assertIn("low_noise_model", spec.checkpoint_entries)
        self.assertIn("Wan2.1_VAE.pth", spec.checkpoint_entries)


if __name__ == "__main__":
    unittest.main()
