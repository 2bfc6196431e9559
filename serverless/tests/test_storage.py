"""Bucket configuration, upload through rp_upload, and inline base64 delivery."""

import base64
import os
import tempfile
import unittest

from . import support
from wan_worker.errors import WorkerError
from wan_worker.storage import inline_video, redact, resolve_bucket, upload_video


class ResolveBucketTests(unittest.TestCase):
    def test_no_configuration_means_inline(self):
        self.assertIsNone(resolve_bucket({"id": "j1"}, {}))

    def test_environment_configuration(self):
        bucket = resolve_bucket({"id": "j1"}, support.BUCKET_ENV)

        self.assertEqual(bucket.endpoint_url, "https://s3.example.com")
        self.assertEqual(bucket.access_key_id, "ENVKEYID1234")
        self.assertEqual(bucket.secret_access_key, "env-secret-value-5678")
        self.assertEqual(bucket.bucket_name, "videos")

    def test_job_s3_config_wins_over_environment(self):
        bucket = resolve_bucket({"id": "j1", "s3Config": support.S3_CONFIG}, support.BUCKET_ENV)

        self.assertEqual(bucket.bucket_name, "job-videos")
        self.assertEqual(bucket.endpoint_url, "https://r2.example.com")
        self.assertEqual(bucket.access_key_id, "JOBKEYID9876")

    def test_missing_bucket_name_rejected(self):
        environ = {k: v for k, v in support.BUCKET_ENV.items() if k != "BUCKET_NAME"}

        with self.assertRaises(WorkerError) as caught:
            resolve_bucket({"id": "j1"}, environ)

        message = str(caught.exception)
        self.assertIn("BUCKET_NAME is missing", message)
        self.assertNotIn("env-secret-value-5678", message)

    def test_incomplete_s3_config_names_key(self):
        s3_config = dict(support.S3_CONFIG, accessSecret="")

        with self.assertRaises(WorkerError) as caught:
            resolve_bucket({"id": "j1", "s3Config": s3_config}, {})

        self.assertIn("accessSecret is missing from the job's s3Config", str(caught.exception))

    def test_endpoint_without_scheme_rejected(self):
        environ = dict(support.BUCKET_ENV, BUCKET_ENDPOINT_URL="s3.example.com")

        with self.assertRaises(WorkerError) as caught:
            resolve_bucket({"id": "j1"}, environ)

        self.assertIn("is not an http(s) URL", str(caught.exception))

    def test_repr_hides_credentials(self):
        bucket = resolve_bucket({"id": "j1"}, support.BUCKET_ENV)

        self.assertNotIn("env-secret-value-5678", repr(bucket))
        self.assertNotIn("ENVKEYID1234", repr(bucket))


class UploadTests(unittest.TestCase):
    def setUp(self):
        self.runpod = support.RunpodFake()
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.path = os.path.join(folder.name, "video.mp4")
        with open(self.path, "wb") as file:
            file.write(support.tiny_mp4_bytes())
        self.bucket = resolve_bucket({"id": "j1"}, support.BUCKET_ENV)

    def test_upload_passes_bucket_and_key(self):
        self.runpod.install(self)

        url = upload_video(self.path, self.bucket, "wan-videos/job-1", "ti2v-5B_128x72_7.mp4")

        self.assertEqual(url, "https://bucket.example.com/videos/wan-videos/job-1/ti2v-5B_128x72_7.mp4?X-Amz-Signature=abc")
        upload = self.runpod.uploads[0]
        self.assertEqual(upload["bucket_name"], "videos")
        self.assertEqual(upload["prefix"], "wan-videos/job-1")
        self.assertEqual(upload["file_name"], "ti2v-5B_128x72_7.mp4")
        self.assertEqual(upload["extra_args"], {"ContentType": "video/mp4"})
        self.assertEqual(upload["bucket_creds"]["endpointUrl"], "https://s3.example.com")
        self.assertEqual(upload["bucket_creds"]["accessId"], "ENVKEYID1234")
        self.assertEqual(upload["bucket_creds"]["accessSecret"], "env-secret-value-5678")
        self.assertEqual(upload["content"], support.tiny_mp4_bytes())

    def test_local_path_result_rejected(self):
        self.runpod.upload_result = "local_upload/ti2v-5B_128x72_7.mp4"
        self.runpod.install(self)

        with self.assertRaises(WorkerError) as caught, self.assertLogs("wan_worker.storage", "ERROR"):
            upload_video(self.path, self.bucket, "p", "v.mp4")

        self.assertIn("returned a local path instead of a URL", str(caught.exception))

    def test_missing_boto3_rejected_before_upload(self):
        self.runpod.boto3_installed = False
        self.runpod.install(self)

        with self.assertRaises(WorkerError) as caught:
            upload_video(self.path, self.bucket, "p", "v.mp4")

        self.assertIn("boto3 is not installed", str(caught.exception))
        self.assertEqual(self.runpod.uploads, [])

    def test_upload_error_reported_without_secrets(self):
        self.runpod.upload_error = PermissionError(
            "Access denied for ENVKEYID1234 with signature from env-secret-value-5678"
        )
        self.runpod.install(self)

        with self.assertRaises(WorkerError) as caught, self.assertLogs("wan_worker.storage", "ERROR") as logs:
            upload_video(self.path, self.bucket, "p", "v.mp4")

        message = str(caught.exception)
        self.assertIn("uploading it to bucket 'videos' failed", message)
        self.assertIn("PermissionError", message)
        self.assertNotIn("ENVKEYID1234", message)
        self.assertNotIn("env-secret-value-5678", message)
        self.assertNotIn("env-secret-value-5678", "\n".join(logs.output))


class InlineTests(unittest.TestCase):
    def setUp(self):
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.path = os.path.join(folder.name, "video.mp4")
        with open(self.path, "wb") as file:
            file.write(support.tiny_mp4_bytes())
        self.size = len(support.tiny_mp4_bytes())

    def test_small_file_inlined(self):
        encoded = inline_video(self.path, self.size)
        self.assertEqual(base64.b64decode(encoded), support.tiny_mp4_bytes())

    def test_file_over_limit_rejected(self):
        with self.assertRaises(WorkerError) as caught:
            inline_video(self.path, self.size - 1)

        message = str(caught.exception)
        self.assertIn("fit into a RunPod result without a bucket", message)
        self.assertIn("BUCKET_ENDPOINT_URL", message)


class RedactTests(unittest.TestCase):
    def test_secrets_replaced(self):
        self.assertEqual(redact("key ABCD1234 secret xyz-9", ("ABCD1234", "xyz-9")), "key *** secret ***")

    def test_short_values_left_alone(self):
        self.assertEqual(redact("a b c", ("a",)), "a b c")


if __name__ == "__main__":
    unittest.main()
