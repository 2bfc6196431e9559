"""The JSON fixtures in serverless/contract/, which the bot's C# tests load too, against the worker."""

import base64
import os
import re
import tempfile
import unittest

from . import support
from wan_worker.mp4 import read_mp4_facts
from wan_worker.progress import STAGES
from wan_worker.settings import Limits
from wan_worker.validation import validate_input

FIXTURE_NAMES = (
    "request.json",
    "status-in-queue.json",
    "status-in-progress.json",
    "status-completed-url.json",
    "status-completed-base64.json",
    "status-failed.json",
    "output-error.json",
)

# Async job ids are a UUID followed by a suffix such as -u1, -e1 or -e2.
JOB_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-[a-z]\d+$")


def type_map(value):
    """Return the JSON type of every key, recursively, so two outputs can be compared."""
    if isinstance(value, dict):
        return {key: type_map(item) for key, item in value.items()}
    return type(value).__name__


class FixtureFileTests(unittest.TestCase):
    def test_all_fixtures_present(self):
        present = set(os.listdir(support.CONTRACT_DIR))
        for name in FIXTURE_NAMES:
            with self.subTest(name=name):
                self.assertIn(name, present)

    def test_status_bodies_have_ids_and_states(self):
        expected = {
            "status-in-queue.json": "IN_QUEUE",
            "status-in-progress.json": "IN_PROGRESS",
            "status-completed-url.json": "COMPLETED",
            "status-completed-base64.json": "COMPLETED",
            "status-failed.json": "FAILED",
        }
        for name, status in expected.items():
            with self.subTest(name=name):
                body = support.load_fixture(name)
                self.assertEqual(body["status"], status)
                self.assertRegex(body["id"], JOB_ID)
                self.assertIsInstance(body["delayTime"], int)

    def test_finished_bodies_have_times_and_worker(self):
        for name in ("status-completed-url.json", "status-completed-base64.json", "status-failed.json"):
            with self.subTest(name=name):
                body = support.load_fixture(name)
                self.assertIsInstance(body["executionTime"], int)
                self.assertIsInstance(body["workerId"], str)

    def test_in_progress_output_is_update(self):
        output = support.load_fixture("status-in-progress.json")["output"]

        self.assertEqual(output, {"stage": "denoising", "percent": 40, "step": 20, "steps": 50})
        self.assertIn(output["stage"], STAGES)

    def test_request_policy(self):
        policy = support.load_fixture("request.json")["policy"]

        self.assertEqual(policy, {"executionTimeout": 1800000, "ttl": 86400000})

    def test_url_fixture_is_https(self):
        output = support.load_fixture("status-completed-url.json")["output"]

        self.assertTrue(output["video_url"].startswith("https://"))
        self.assertNotIn("video_base64", output)

    def test_completed_facts_consistent(self):
        for name in ("status-completed-url.json", "status-completed-base64.json"):
            with self.subTest(name=name):
                output = support.load_fixture(name)["output"]
                self.assertEqual(output["mime"], "video/mp4")
                self.assertAlmostEqual(output["duration_s"], output["frames"] / output["fps"], places=3)
                self.assertEqual((output["frames"] - 1) % 4 == 0, name == "status-completed-url.json")

    def test_base64_fixture_is_the_described_mp4(self):
        output = support.load_fixture("status-completed-base64.json")["output"]
        data = base64.b64decode(output["video_base64"], validate=True)

        self.assertEqual(data[4:8], b"ftyp")
        self.assertEqual(len(data), output["bytes"])
        with tempfile.NamedTemporaryFile(suffix=".mp4") as file:
            file.write(data)
            file.flush()
            facts = read_mp4_facts(file.name)
        self.assertEqual(facts.width, output["width"])
        self.assertEqual(facts.height, output["height"])
        self.assertEqual(facts.frames, output["frames"])
        self.assertAlmostEqual(facts.duration_s, output["duration_s"], places=3)
        self.assertNotIn("video_url", output)

    def test_output_error_has_only_error(self):
        body = support.load_fixture("output-error.json")

        self.assertEqual(set(body), {"error"})
        self.assertIsInstance(body["error"], str)


class FixturesAgainstWorkerTests(unittest.TestCase):
    def test_request_passes_validation_unchanged(self):
        job_input = support.load_fixture("request.json")["input"]

        request = validate_input(job_input, "ti2v-5B", Limits())

        self.assertEqual(request.prompt, job_input["prompt"])
        self.assertEqual(request.negative_prompt, job_input["negative_prompt"])
        self.assertEqual(request.task, job_input["task"])
        self.assertEqual(request.size, job_input["size"])
        self.assertEqual(request.frame_num, job_input["frame_num"])
        self.assertEqual(request.sample_steps, job_input["sample_steps"])
        self.assertEqual(request.sample_shift, job_input["sample_shift"])
        self.assertEqual(request.guide_scale, job_input["guide_scale"])
        self.assertEqual(request.seed, job_input["seed"])
        self.assertFalse(request.has_image)

    def test_request_reaches_generate(self):
        job_input = support.load_fixture("request.json")["input"]
        harness = support.Harness(self)

        harness.run(job_input)

        call = harness.wan.generate_calls[0]
        self.assertEqual(call["prompt"], job_input["prompt"])
        self.assertEqual(call["n_prompt"], job_input["negative_prompt"])
        self.assertEqual(call["size"], (1280, 704))
        self.assertEqual(call["frame_num"], job_input["frame_num"])
        self.assertEqual(call["sampling_steps"], job_input["sample_steps"])
        self.assertEqual(call["shift"], job_input["sample_shift"])
        self.assertEqual(call["guide_scale"], job_input["guide_scale"])
        self.assertEqual(call["seed"], job_input["seed"])

    def test_url_output_matches_fixture_shape(self):
        harness = support.Harness(self, environ=dict(support.BUCKET_ENV))

        output = harness.run(support.load_fixture("request.json")["input"])

        expected = support.load_fixture("status-completed-url.json")["output"]
        self.assertEqual(type_map(output), type_map(expected))

    def test_base64_output_matches_fixture_shape(self):
        harness = support.Harness(self)

        output = harness.run(support.load_fixture("request.json")["input"])

        expected = support.load_fixture("status-completed-base64.json")["output"]
        self.assertEqual(type_map(output), type_map(expected))

    def test_denoising_update_matches_fixture_shape(self):
        harness = support.Harness(self)

        harness.run(support.load_fixture("request.json")["input"])

        expected = support.load_fixture("status-in-progress.json")["output"]
        denoising = [update for _, update in harness.sent if update["stage"] == "denoising"]
        self.assertTrue(denoising)
        for update in denoising:
            self.assertEqual(type_map(update), type_map(expected))

    def test_output_error_is_the_handler_output(self):
        harness = support.Harness(self)
        job_input = dict(support.load_fixture("request.json")["input"], frame_num=120)

        output = harness.run(job_input)

        self.assertEqual(output, support.load_fixture("output-error.json"))

    def test_failed_error_is_the_handler_output(self):
        harness = support.Harness(self)
        harness.wan.generate_error = support.OutOfMemoryError("CUDA out of memory. Tried to allocate 4.00 GiB")

        with self.assertLogs("wan_worker.handler", "ERROR"):
            output = harness.run(support.load_fixture("request.json")["input"])

        self.assertEqual(output["error"], support.load_fixture("status-failed.json")["error"])


if __name__ == "__main__":
    unittest.main()
