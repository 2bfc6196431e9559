"""The job handler end to end, with fake torch, wan, Pillow, runpod and boto3."""

import base64
import os
import unittest
from unittest import mock

from . import support
import handler
from wan_worker.settings import Settings

PROMPT = "a red fox running through snow"
PNG_BASE64 = base64.b64encode(support.PNG_BYTES).decode()


class DefaultsPerTaskTests(unittest.TestCase):
    def test_ti2v_text_to_video_defaults(self):
        harness = support.Harness(self, task="ti2v-5B")

        output = harness.run({"prompt": PROMPT})

        self.assertNotIn("error", output)
        call = harness.wan.generate_calls[0]
        self.assertEqual(call["class"], "WanTI2V")
        self.assertEqual(call["prompt"], PROMPT)
        self.assertIsNone(call["img"])
        self.assertEqual(call["size"], (1280, 704))
        self.assertEqual(call["max_area"], 1280 * 704)
        self.assertEqual(call["frame_num"], 121)
        self.assertEqual(call["sampling_steps"], 50)
        self.assertEqual(call["shift"], 5.0)
        self.assertEqual(call["guide_scale"], 5.0)
        self.assertEqual(call["sample_solver"], "unipc")
        self.assertEqual(call["n_prompt"], "")
        self.assertTrue(call["offload_model"])
        self.assertEqual(output["fps"], 24)

    def test_t2v_defaults(self):
        harness = support.Harness(self, task="t2v-A14B")

        output = harness.run({"prompt": PROMPT})

        self.assertNotIn("error", output)
        call = harness.wan.generate_calls[0]
        self.assertEqual(call["class"], "WanT2V")
        self.assertEqual(call["size"], (1280, 720))
        self.assertNotIn("img", call)
        self.assertEqual(call["frame_num"], 81)
        self.assertEqual(call["sampling_steps"], 40)
        self.assertEqual(call["shift"], 12.0)
        self.assertEqual(call["guide_scale"], (3.0, 4.0))
        self.assertEqual(output["fps"], 16)

    def test_i2v_defaults_and_image(self):
        harness = support.Harness(self, task="i2v-A14B")

        output = harness.run({"prompt": PROMPT, "image_base64": PNG_BASE64, "size": "832*480"})

        self.assertNotIn("error", output)
        call = harness.wan.generate_calls[0]
        self.assertEqual(call["class"], "WanI2V")
        image = call["args"][0]
        self.assertEqual(image.data, support.PNG_BYTES)
        self.assertEqual(image.mode, "RGB")
        self.assertEqual(call["max_area"], 832 * 480)
        self.assertNotIn("size", call)
        self.assertEqual(call["frame_num"], 81)
        self.assertEqual(call["sampling_steps"], 40)
        self.assertEqual(call["shift"], 5.0)
        self.assertEqual(call["guide_scale"], (3.5, 3.5))
        self.assertIn("image", output["timings_s"])

    def test_ti2v_image_to_video_passes_image(self):
        harness = support.Harness(self, task="ti2v-5B")

        harness.run({"prompt": PROMPT, "image_base64": PNG_BASE64})

        call = harness.wan.generate_calls[0]
        self.assertEqual(call["img"].data, support.PNG_BYTES)
        self.assertEqual(call["img"].mode, "RGB")
        self.assertEqual(call["max_area"], 1280 * 704)

    def test_explicit_values_override_defaults(self):
        harness = support.Harness(self, task="t2v-A14B")

        harness.run(
            {
                "prompt": PROMPT,
                "negative_prompt": "blurry",
                "size": "480*832",
                "frame_num": 49,
                "sample_steps": 20,
                "sample_shift": 8,
                "guide_scale": 4.5,
                "seed": 1234,
            }
        )

        call = harness.wan.generate_calls[0]
        self.assertEqual(call["size"], (480, 832))
        self.assertEqual(call["frame_num"], 49)
        self.assertEqual(call["sampling_steps"], 20)
        self.assertEqual(call["shift"], 8.0)
        self.assertEqual(call["guide_scale"], 4.5)
        self.assertIsInstance(call["guide_scale"], float)
        self.assertEqual(call["seed"], 1234)
        self.assertEqual(call["n_prompt"], "blurry")

    def test_pipeline_built_like_generate_py(self):
        harness = support.Harness(self, task="ti2v-5B", t5_cpu=True, convert_model_dtype=False)

        harness.run({"prompt": PROMPT})

        built = harness.wan.constructed[0]
        self.assertEqual(built["class"], "WanTI2V")
        self.assertIs(built["config"], support.WAN_CONFIGS["ti2v-5B"])
        self.assertEqual(built["checkpoint_dir"], harness.settings.checkpoint_dir)
        self.assertEqual(built["device_id"], 0)
        self.assertEqual(built["rank"], 0)
        self.assertFalse(built["t5_fsdp"])
        self.assertFalse(built["dit_fsdp"])
        self.assertFalse(built["use_sp"])
        self.assertTrue(built["t5_cpu"])
        self.assertTrue(built["init_on_cpu"])
        self.assertFalse(built["convert_model_dtype"])

    def test_save_video_arguments(self):
        harness = support.Harness(self, task="t2v-A14B")

        harness.run({"prompt": PROMPT, "frame_num": 33, "size": "832*480"})

        saved = harness.wan.saved[0]
        self.assertEqual(saved["shape"], (1, 3, 33, 480, 832))
        self.assertEqual(saved["fps"], 16)
        self.assertEqual(saved["nrow"], 1)
        self.assertTrue(saved["normalize"])
        self.assertEqual(saved["value_range"], (-1, 1))

    def test_offload_setting_passed(self):
        harness = support.Harness(self, offload_model=False)

        harness.run({"prompt": PROMPT})

        self.assertFalse(harness.wan.generate_calls[0]["offload_model"])


class SeedTests(unittest.TestCase):
    def test_picked_seed_reported(self):
        harness = support.Harness(self)

        output = harness.run({"prompt": PROMPT})

        self.assertIsInstance(output["seed"], int)
        self.assertGreaterEqual(output["seed"], 0)
        self.assertLess(output["seed"], 2**31)
        self.assertEqual(harness.wan.generate_calls[0]["seed"], output["seed"])

    def test_given_seed_reported(self):
        harness = support.Harness(self)

        output = harness.run({"prompt": PROMPT, "seed": 2**40})

        self.assertEqual(output["seed"], 2**40)
        self.assertEqual(harness.wan.generate_calls[0]["seed"], 2**40)


class LoadOnceTests(unittest.TestCase):
    def test_model_built_once_for_several_jobs(self):
        harness = support.Harness(self)

        outputs = [harness.run({"prompt": PROMPT}, job_id=f"job-{n}") for n in range(3)]

        self.assertEqual(len(harness.wan.constructed), 1)
        self.assertEqual(len(harness.wan.generate_calls), 3)
        for output in outputs:
            self.assertNotIn("error", output)
        self.assertEqual(harness.stages.count("loading"), 1)
        self.assertEqual(harness.stages[0], "loading")
        self.assertEqual(outputs[1]["timings_s"]["load"], 0.0)

    def test_preload_builds_before_first_job(self):
        harness = support.Harness(self)

        self.assertTrue(harness.worker.preload())
        harness.run({"prompt": PROMPT})

        self.assertEqual(len(harness.wan.constructed), 1)
        self.assertNotIn("loading", harness.stages)

    def test_failed_load_retried_by_next_job(self):
        harness = support.Harness(self)
        harness.wan.constructor_error = RuntimeError("checkpoint shard 3 is corrupt")

        with self.assertLogs("wan_worker.handler", "ERROR"):
            first = harness.run({"prompt": PROMPT})
        harness.wan.constructor_error = None
        second = harness.run({"prompt": PROMPT})

        self.assertIn("could not load the Wan2.2 ti2v-5B model", first["error"])
        self.assertIn("RuntimeError: checkpoint shard 3 is corrupt", first["error"])
        self.assertNotIn("error", second)
        self.assertEqual(len(harness.wan.constructed), 1)

    def test_preload_failure_logged_not_raised(self):
        harness = support.Harness(self)
        harness.wan.cuda_available = False

        with self.assertLogs("wan_worker.handler", "ERROR") as logs:
            self.assertFalse(harness.worker.preload())

        self.assertIn("no usable CUDA GPU", "\n".join(logs.output))

    def test_missing_checkpoint_reported(self):
        harness = support.Harness(self, checkpoint_dir="/nonexistent/Wan2.2-TI2V-5B")

        output = harness.run({"prompt": PROMPT})

        self.assertIn("WAN_CKPT_DIR /nonexistent/Wan2.2-TI2V-5B is not a folder", output["error"])

    def test_incomplete_checkpoint_reported(self):
        harness = support.Harness(self)
        os.remove(os.path.join(harness.settings.checkpoint_dir, "Wan2.2_VAE.pth"))

        output = harness.run({"prompt": PROMPT})

        self.assertIn("lacks Wan2.2_VAE.pth", output["error"])


class OutputModeTests(unittest.TestCase):
    def test_base64_without_bucket(self):
        harness = support.Harness(self)

        output = harness.run({"prompt": PROMPT})

        self.assertEqual(base64.b64decode(output["video_base64"]), support.tiny_mp4_bytes())
        self.assertNotIn("video_url", output)
        self.assertEqual(output["mime"], "video/mp4")
        self.assertEqual(output["bytes"], len(support.tiny_mp4_bytes()))
        # Facts come from the file written, not from the request.
        self.assertEqual((output["width"], output["height"], output["frames"]), (128, 72, 24))
        self.assertEqual(output["duration_s"], 1.0)
        self.assertEqual(output["task"], "ti2v-5B")
        self.assertEqual(harness.runpod.uploads, [])
        self.assertNotIn("uploading", harness.stages)

    def test_url_with_environment_bucket(self):
        harness = support.Harness(self, environ=dict(support.BUCKET_ENV))

        output = harness.run({"prompt": PROMPT, "seed": 7}, job_id="abc-u1")

        self.assertTrue(output["video_url"].startswith("https://"))
        self.assertNotIn("video_base64", output)
        upload = harness.runpod.uploads[0]
        self.assertEqual(upload["bucket_name"], "videos")
        self.assertEqual(upload["prefix"], "wan-videos/abc-u1")
        self.assertEqual(upload["file_name"], "ti2v-5B_128x72_7.mp4")
        self.assertEqual(upload["content"], support.tiny_mp4_bytes())
        self.assertIn("upload", output["timings_s"])
        self.assertEqual(harness.stages[-1], "uploading")

    def test_url_with_job_s3_config(self):
        harness = support.Harness(self, environ=dict(support.BUCKET_ENV))

        output = harness.run({"prompt": PROMPT}, s3Config=dict(support.S3_CONFIG))

        self.assertIn("video_url", output)
        upload = harness.runpod.uploads[0]
        self.assertEqual(upload["bucket_name"], "job-videos")
        self.assertEqual(upload["bucket_creds"]["endpointUrl"], "https://r2.example.com")

    def test_too_large_for_inline(self):
        harness = support.Harness(self, max_inline_bytes=1000)

        output = harness.run({"prompt": PROMPT})

        self.assertEqual(set(output), {"error"})
        self.assertIn("more than the 0.0 MB that fit into a RunPod result", output["error"])
        self.assertIn("configure a video bucket", output["error"])

    def test_upload_failure_reported_without_secrets(self):
        harness = support.Harness(self, environ=dict(support.BUCKET_ENV))
        harness.runpod.upload_error = ConnectionError(
            "Could not connect with key ENVKEYID1234 and env-secret-value-5678"
        )

        with self.assertLogs("wan_worker.storage", "ERROR"):
            output = harness.run({"prompt": PROMPT})

        self.assertIn("uploading it to bucket 'videos' failed", output["error"])
        self.assertNotIn("ENVKEYID1234", output["error"])
        self.assertNotIn("env-secret-value-5678", output["error"])

    def test_local_path_from_rp_upload_rejected(self):
        harness = support.Harness(self, environ=dict(support.BUCKET_ENV))
        harness.runpod.upload_result = "local_upload/ti2v-5B_128x72_7.mp4"

        with self.assertLogs("wan_worker.storage", "ERROR"):
            output = harness.run({"prompt": PROMPT})

        self.assertEqual(set(output), {"error"})
        self.assertIn("returned a local path instead of a URL", output["error"])

    def test_missing_boto3_fails_before_generating(self):
        harness = support.Harness(self, environ=dict(support.BUCKET_ENV))
        harness.runpod.boto3_installed = False
        harness.runpod.install(self)

        output = harness.run({"prompt": PROMPT})

        self.assertIn("boto3 is not installed", output["error"])
        self.assertEqual(harness.wan.generate_calls, [])

    def test_partial_bucket_fails_before_generating(self):
        harness = support.Harness(self, environ={"BUCKET_ENDPOINT_URL": "https://s3.example.com"})

        output = harness.run({"prompt": PROMPT})

        self.assertIn("BUCKET_ACCESS_KEY_ID, BUCKET_SECRET_ACCESS_KEY, BUCKET_NAME is missing", output["error"])
        self.assertEqual(harness.wan.generate_calls, [])


class SavedFileTests(unittest.TestCase):
    def run_with_save_mode(self, mode: str) -> dict:
        harness = support.Harness(self)
        harness.wan.save_mode = mode
        return harness.run({"prompt": PROMPT})

    def test_missing_file_reported(self):
        output = self.run_with_save_mode("nothing")
        self.assertIn("Saving the video failed: no file was written", output["error"])

    def test_empty_file_reported(self):
        output = self.run_with_save_mode("empty")
        self.assertIn("Saving the video failed: the file is empty", output["error"])

    def test_non_mp4_file_reported(self):
        output = self.run_with_save_mode("garbage")
        self.assertIn("Saving the video failed: the file is not a valid MP4", output["error"])

    def test_frame_count_mismatch_logged(self):
        harness = support.Harness(self)

        with self.assertLogs("wan_worker.handler", "WARNING") as logs:
            harness.run({"prompt": PROMPT, "frame_num": 121})

        self.assertIn("the pipeline returned 121 frames, the MP4 has 24", "\n".join(logs.output))

    def test_temporary_files_removed(self):
        harness = support.Harness(self)

        harness.run({"prompt": PROMPT})

        self.assertEqual(os.listdir(harness.settings.output_dir), [])


class GenerationErrorTests(unittest.TestCase):
    def test_out_of_memory_names_request(self):
        harness = support.Harness(self)
        harness.wan.generate_error = support.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")

        with self.assertLogs("wan_worker.handler", "ERROR"):
            output = harness.run({"prompt": PROMPT, "frame_num": 81})

        self.assertEqual(
            output,
            {"error": "The GPU ran out of memory making 81 frames at 1280*704. Try fewer frames or a smaller size."},
        )
        self.assertGreaterEqual(harness.wan.empty_cache_calls, 1)

    def test_other_generate_error_reported(self):
        harness = support.Harness(self)
        harness.wan.generate_error = ValueError("unexpected latent shape")

        with self.assertLogs("wan_worker.handler", "ERROR"):
            output = harness.run({"prompt": PROMPT})

        self.assertIn("Video generation failed (ValueError: unexpected latent shape)", output["error"])

    def test_unexpected_error_redacts_secrets(self):
        harness = support.Harness(self, environ=dict(support.BUCKET_ENV))
        failing_shape = mock.Mock(side_effect=KeyError("env-secret-value-5678"))
        harness.worker.backend.video_shape = failing_shape

        with self.assertLogs("wan_worker.handler", "ERROR") as logs:
            output = harness.run({"prompt": PROMPT})

        self.assertIn("Video generation failed unexpectedly (KeyError: '***')", output["error"])
        self.assertNotIn("env-secret-value-5678", output["error"])
        self.assertNotIn("env-secret-value-5678", "\n".join(logs.output))

    def test_input_error_has_contract_shape(self):
        harness = support.Harness(self)

        output = harness.run({"prompt": ""})

        self.assertEqual(set(output), {"error"})
        self.assertIsInstance(output["error"], str)
        self.assertEqual(harness.wan.constructed, [])

    def test_task_mismatch_reported(self):
        harness = support.Harness(self, task="ti2v-5B")

        output = harness.run({"prompt": PROMPT, "task": "i2v-A14B", "image_base64": PNG_BASE64})

        self.assertIn("task i2v-A14B is not served by this endpoint, which runs ti2v-5B", output["error"])

    def test_broken_image_reported(self):
        harness = support.Harness(self, task="i2v-A14B")
        data = base64.b64encode(support.PNG_BYTES + b"broken").decode()

        output = harness.run({"prompt": PROMPT, "image_base64": data})

        self.assertIn("could not be decoded (OSError: image file is truncated)", output["error"])
        self.assertEqual(harness.wan.generate_calls, [])


class ProgressTests(unittest.TestCase):
    def test_stages_in_contract_order(self):
        harness = support.Harness(self, environ=dict(support.BUCKET_ENV))

        harness.run({"prompt": PROMPT, "sample_steps": 12})

        stages = [stage for index, stage in enumerate(harness.stages) if stage not in harness.stages[:index]]
        self.assertEqual(stages, ["loading", "encoding", "denoising", "decoding", "uploading"])

    def test_denoising_updates_throttled(self):
        harness = support.Harness(self)

        harness.run({"prompt": PROMPT, "sample_steps": 12})

        # Each fake step takes 1 s and the interval is 5 s.
        steps = [update["step"] for _, update in harness.sent if update["stage"] == "denoising"]
        self.assertEqual(steps, [0, 5, 10])
        for _, update in harness.sent:
            if update["stage"] == "denoising":
                self.assertEqual(update["steps"], 12)
                self.assertEqual(update["percent"], update["step"] * 100 // 12)

    def test_percent_never_decreases(self):
        harness = support.Harness(self, environ=dict(support.BUCKET_ENV))

        harness.run({"prompt": PROMPT, "sample_steps": 23})

        percents = [update["percent"] for _, update in harness.sent]
        self.assertEqual(percents, sorted(percents))
        self.assertEqual(percents[0], 0)
        self.assertEqual(percents[-1], 100)

    def test_quiet_period_before_successful_return(self):
        harness = support.Harness(self, environ=dict(support.BUCKET_ENV))

        output = harness.run({"prompt": PROMPT})
        returned_at = harness.clock()

        self.assertIn("video_url", output)
        last_sent_at = harness.sent[-1][0]
        self.assertGreaterEqual(returned_at - last_sent_at, 3.0)
        self.assertEqual(harness.clock.sleeps, [3.0])

    def test_quiet_period_before_failed_return(self):
        harness = support.Harness(self)
        harness.wan.save_mode = "nothing"

        output = harness.run({"prompt": PROMPT})
        returned_at = harness.clock()

        self.assertIn("error", output)
        self.assertGreaterEqual(returned_at - harness.sent[-1][0], 3.0)

    def test_invalid_input_sends_no_progress(self):
        harness = support.Harness(self)

        harness.run({"prompt": PROMPT, "frame_num": 120})

        self.assertEqual(harness.sent, [])
        self.assertEqual(harness.clock.sleeps, [])

    def test_runpod_progress_update_used_on_runpod(self):
        runpod = support.RunpodFake()
        runpod.install(self)
        job = {"id": "job-9", "input": {}}

        with mock.patch.dict(os.environ, {"RUNPOD_WEBHOOK_POST_OUTPUT": "https://api.example/job-done"}):
            handler.send_runpod_progress(job, {"stage": "encoding", "percent": 0})

        self.assertEqual(runpod.progress, [(job, {"stage": "encoding", "percent": 0})])

    def test_local_run_only_logs_progress(self):
        runpod = support.RunpodFake()
        runpod.install(self)
        environ = {k: v for k, v in os.environ.items() if k != "RUNPOD_WEBHOOK_POST_OUTPUT"}

        with mock.patch.dict(os.environ, environ, clear=True), self.assertLogs("wan_worker.handler", "INFO") as logs:
            handler.send_runpod_progress({"id": "local_test"}, {"stage": "encoding", "percent": 0})

        self.assertEqual(runpod.progress, [])
        self.assertIn("local run, not sent", logs.output[0])


class ModuleHandlerTests(unittest.TestCase):
    def test_invalid_environment_reported_per_job(self):
        with mock.patch.object(handler, "_worker", None), mock.patch.dict(os.environ, {"WAN_TASK": "s2v-14B"}):
            with self.assertLogs("wan_worker.handler", "ERROR"):
                output = handler.handler({"id": "job-1", "input": {"prompt": PROMPT}})

        self.assertIn("The video worker is misconfigured: WAN_TASK='s2v-14B' is not supported", output["error"])

    def test_main_preloads_then_starts_sdk(self):
        runpod = support.RunpodFake()
        runpod.install(self)
        started = []
        runpod_module = __import__("sys").modules["runpod"]
        runpod_module.serverless.start = lambda config: started.append(config)
        worker = mock.Mock(settings=Settings(preload=True))

        with mock.patch.object(handler, "get_worker", return_value=worker), mock.patch("logging.basicConfig"):
            handler.main()

        worker.preload.assert_called_once_with()
        self.assertEqual(started, [{"handler": handler.handler}])


if __name__ == "__main__":
    unittest.main()
