"""Find the Wan2.2 checkpoint directory of a task on a RunPod worker."""

import glob
import logging
import os

from .errors import WorkerError
from .tasks import TaskSpec

log = logging.getLogger(__name__)

# Folder for weights baked into the image, as the Dockerfile documents.
BAKED_MODELS_DIR = "/models"


def candidate_dirs(spec: TaskSpec, volume: str, baked_dir: str = BAKED_MODELS_DIR) -> list[str]:
    """Return the folders searched when WAN_CKPT_DIR is unset, in order of preference.

    1. RunPod's model cache, which mounts Hugging Face repos read-only in the Hugging Face
       cache layout under <volume>/huggingface-cache/hub/.
    2. A network volume with the repo downloaded to <volume>/<repo name>.
    3. Weights baked into the image at /models/<repo name>.
    """
    owner, name = spec.hugging_face_repo.split("/")
    cache_pattern = os.path.join(
        volume, "huggingface-cache", "hub", f"models--{owner}--{name}", "snapshots", "*"
    )
    snapshots = sorted(glob.glob(cache_pattern), key=os.path.getmtime, reverse=True)
    return snapshots + [os.path.join(volume, name), os.path.join(baked_dir, name)]


def missing_entries(spec: TaskSpec, directory: str) -> list[str]:
    """Return the checkpoint files and folders of the task that directory lacks."""
    return [
        entry
        for entry in spec.checkpoint_entries
        if not os.path.exists(os.path.join(directory, entry))
    ]


def find_checkpoint_dir(
    spec: TaskSpec, configured: str | None, volume: str, baked_dir: str = BAKED_MODELS_DIR
) -> str:
    """Return the checkpoint directory for the task, or raise WorkerError saying what is missing.

    A configured directory (WAN_CKPT_DIR) is used as it is, and only checked. Otherwise the
    first complete candidate_dirs() entry wins.
    """
    if configured:
        if not os.path.isdir(configured):
            raise WorkerError(
                f"The worker could not load {spec.name}: WAN_CKPT_DIR {configured} is not a "
                f"folder. The operator should point it at the {spec.hugging_face_repo} weights."
            )
        missing = missing_entries(spec, configured)
        if missing:
            raise WorkerError(
                f"The worker could not load {spec.name}: {configured} lacks {', '.join(missing)}. "
                f"The operator should point WAN_CKPT_DIR at the {spec.hugging_face_repo} weights."
            )
        return configured

    searched = candidate_dirs(spec, volume, baked_dir)
    for directory in searched:
        if os.path.isdir(directory) and not missing_entries(spec, directory):
            log.info("Using the %s checkpoint at %s", spec.name, directory)
            return directory
        if os.path.isdir(directory):
            log.warning(
                "Skipping %s: it lacks %s", directory, ", ".join(missing_entries(spec, directory))
            )
    raise WorkerError(
        f"The worker could not find the {spec.name} weights in {', '.join(searched)}. "
        f"The operator should add {spec.hugging_face_repo} to the endpoint's model cache, "
        "mount a network volume with it, or set WAN_CKPT_DIR."
    )
