"""Deliver the finished MP4: upload to an S3-compatible bucket, or inline as base64.

The runpod SDK's ``rp_upload.upload_file_to_bucket`` (runpod-python 1.12.0) uploads to a
bucket named after the month (``%m-%y``) unless it is given one. When credentials or boto3
are missing, it copies the file into ``local_upload/`` and returns that local path with
only a printed warning. So this module always passes the bucket and key, checks
credentials and boto3 first, and rejects anything but an http(s) URL as the result.
"""

import base64
import logging
import os
import urllib.parse
from dataclasses import dataclass
from typing import Any, Mapping

from .errors import WorkerError

log = logging.getLogger(__name__)

ENV_NAMES = {
    "endpoint_url": "BUCKET_ENDPOINT_URL",
    "access_key_id": "BUCKET_ACCESS_KEY_ID",
    "secret_access_key": "BUCKET_SECRET_ACCESS_KEY",
    "bucket_name": "BUCKET_NAME",
}

S3_CONFIG_NAMES = {
    "endpoint_url": "endpointUrl",
    "access_key_id": "accessId",
    "secret_access_key": "accessSecret",
    "bucket_name": "bucketName",
}

OPERATOR_HINT = "The operator should check the bucket settings of the RunPod endpoint."


@dataclass(frozen=True)
class BucketConfig:
    """Bucket, endpoint and credentials for uploading videos."""

    endpoint_url: str
    access_key_id: str
    secret_access_key: str
    bucket_name: str
    # "the job's s3Config" or "the BUCKET_* environment variables", for messages.
    source: str

    def __repr__(self) -> str:
        # Keeps the credentials out of logs and tracebacks that print this object.
        return f"BucketConfig(bucket_name={self.bucket_name!r}, source={self.source!r})"

    @property
    def secrets(self) -> tuple[str, ...]:
        return (self.access_key_id, self.secret_access_key)

    def rp_upload_credentials(self) -> dict[str, str]:
        return {
            "endpointUrl": self.endpoint_url,
            "accessId": self.access_key_id,
            "accessSecret": self.secret_access_key,
            "bucketName": self.bucket_name,
        }


def resolve_bucket(job: Mapping[str, Any], environ: Mapping[str, str]) -> BucketConfig | None:
    """Return the bucket from the job's s3Config, else from BUCKET_* variables, else None.

    The job's s3Config wins because the caller chose it for this job. A half-filled
    configuration raises WorkerError naming the missing keys, instead of falling back to
    base64 or to a guessed bucket.
    """
    s3_config = job.get("s3Config")
    if s3_config:
        if not isinstance(s3_config, Mapping):
            raise WorkerError(f"s3Config must be an object. {OPERATOR_HINT}")
        values = {field: s3_config.get(key) for field, key in S3_CONFIG_NAMES.items()}
        return _complete_config(values, S3_CONFIG_NAMES, "the job's s3Config")

    values = {field: environ.get(name) for field, name in ENV_NAMES.items()}
    if not any(values.values()):
        return None
    return _complete_config(values, ENV_NAMES, "the BUCKET_* environment variables")


def _complete_config(values: dict, names: dict[str, str], source: str) -> BucketConfig:
    missing = [names[field] for field, value in values.items() if not _is_filled(value)]
    if missing:
        raise WorkerError(
            f"The video bucket is only partly configured: {', '.join(missing)} is missing "
            f"from {source}. {OPERATOR_HINT}"
        )
    endpoint = urllib.parse.urlsplit(values["endpoint_url"].strip())
    if endpoint.scheme not in ("http", "https") or not endpoint.netloc:
        raise WorkerError(
            f"The bucket endpoint URL {values['endpoint_url']!r} from {source} is not an http(s) "
            f"URL. {OPERATOR_HINT}"
        )
    return BucketConfig(
        endpoint_url=values["endpoint_url"].strip(),
        access_key_id=values["access_key_id"].strip(),
        secret_access_key=values["secret_access_key"].strip(),
        bucket_name=values["bucket_name"].strip(),
        source=source,
    )


def _is_filled(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


def check_upload_support() -> None:
    """Raise WorkerError unless boto3 can be imported, which rp_upload needs for real uploads."""
    try:
        import boto3  # noqa: F401  (rp_upload imports it; without it the SDK copies locally)
    except ImportError:
        raise WorkerError(
            "A video bucket is configured, but boto3 is not installed in the worker image, "
            "so the video cannot be uploaded. The operator should rebuild the image with "
            "serverless/requirements.txt."
        ) from None


def upload_video(path: str, bucket: BucketConfig, key_prefix: str, file_name: str) -> str:
    """Upload the MP4 with an explicit bucket and key and return its presigned GET URL.

    The key is ``key_prefix/file_name``. rp_upload signs the URL for 7 days. Raises
    WorkerError, with the credentials removed from the message, when the upload fails or
    the SDK returns anything but an http(s) URL.
    """
    check_upload_support()
    from runpod.serverless.utils import rp_upload

    key = f"{key_prefix}/{file_name}" if key_prefix else file_name
    try:
        url = rp_upload.upload_file_to_bucket(
            file_name=file_name,
            file_location=path,
            bucket_creds=bucket.rp_upload_credentials(),
            bucket_name=bucket.bucket_name,
            prefix=key_prefix or None,
            extra_args={"ContentType": "video/mp4"},
        )
    except Exception as error:  # boto3 raises botocore exceptions of many types.
        detail = redact(f"{type(error).__name__}: {error}", bucket.secrets)
        log.error("Upload of %s to bucket %s failed: %s", key, bucket.bucket_name, detail)
        raise WorkerError(
            f"The video was made, but uploading it to bucket {bucket.bucket_name!r} failed "
            f"({detail}). {OPERATOR_HINT}"
        ) from None

    if not is_http_url(url):
        log.error("rp_upload returned %r instead of a URL for %s", url, key)
        raise WorkerError(
            f"The video was made, but the upload to bucket {bucket.bucket_name!r} returned a "
            f"local path instead of a URL, so it never reached the bucket. {OPERATOR_HINT}"
        )

    log.info("Uploaded %s to bucket %s", key, bucket.bucket_name)
    return url


def is_http_url(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    parts = urllib.parse.urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def inline_video(path: str, max_inline_bytes: int) -> str:
    """Return the MP4 as base64, or raise WorkerError when it is too large to return inline."""
    size = os.path.getsize(path)
    if size > max_inline_bytes:
        raise WorkerError(
            f"The video is {size / 1_000_000:.1f} MB, more than the {max_inline_bytes / 1_000_000:.1f} MB "
            "that fit into a RunPod result without a bucket. Try fewer frames, or ask the "
            "operator to configure a video bucket (BUCKET_ENDPOINT_URL, BUCKET_ACCESS_KEY_ID, "
            "BUCKET_SECRET_ACCESS_KEY, BUCKET_NAME)."
        )
    with open(path, "rb") as file:
        return base64.b64encode(file.read()).decode("ascii")


def redact(text: str, secrets: tuple[str, ...]) -> str:
    """Replace every secret of four or more characters in text with ***."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return text
