"""Progress updates for a running job: throttling, the quiet period before return, and
denoising steps counted through the sampling loop's tqdm.

RunPod shows the latest update as the job's ``output`` while it is IN_PROGRESS. The SDK's
``progress_update`` posts each update from a daemon thread and does not wait for it, so an
update sent just before the handler returns can arrive after the final result and leave
the job looking IN_PROGRESS. ProgressReporter.settle() keeps a gap before the return.
"""

import contextlib
import logging
import time
from typing import Any, Callable, Iterator

log = logging.getLogger(__name__)

STAGES = ("loading", "encoding", "denoising", "decoding", "uploading")

# Stages before denoising report 0 % and stages after it 100 %, because "percent" counts
# denoising steps, which take most of a job's run time.
STAGES_BEFORE_DENOISING = frozenset({"loading", "encoding"})


class ProgressReporter:
    """Send contract progress updates for one job, at most one per interval.

    A change of stage is always sent, so each job sends at most five updates beyond the
    throttled denoising steps. Updates after settle() are dropped.
    """

    def __init__(
        self,
        send: Callable[[dict], None],
        interval_s: float,
        settle_s: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self._send = send
        self._interval_s = interval_s
        self._settle_s = settle_s
        self._clock = clock
        self._sleep = sleep
        self._last_stage: str | None = None
        self._last_sent_at: float | None = None
        self._closed = False

    def report(self, stage: str, step: int | None = None, steps: int | None = None) -> bool:
        """Send an update unless the throttle or a closed reporter drops it; return whether sent."""
        if stage not in STAGES:
            raise ValueError(f"unknown progress stage {stage!r}")
        if self._closed:
            return False

        now = self._clock()
        stage_changed = stage != self._last_stage
        interval_passed = (
            self._last_sent_at is None or now - self._last_sent_at >= self._interval_s
        )
        if not stage_changed and not interval_passed:
            return False

        update = build_update(stage, step, steps)
        try:
            self._send(update)
        except Exception:  # Progress is best effort, so a failed send only gets logged.
            log.warning("Sending progress update %s failed", update, exc_info=True)
        self._last_stage = stage
        self._last_sent_at = now
        return True

    def settle(self) -> None:
        """Wait until the last update is settle_s old, then drop any later update.

        Call it right before the handler returns, on success and on failure alike.
        """
        self._closed = True
        if self._last_sent_at is None:
            return
        remaining = self._settle_s - (self._clock() - self._last_sent_at)
        if remaining > 0:
            log.debug("Waiting %.2f s so that the last progress update lands first", remaining)
            self._sleep(remaining)


def build_update(stage: str, step: int | None = None, steps: int | None = None) -> dict:
    """Return the contract's IN_PROGRESS output: stage, percent, and step/steps while denoising."""
    if stage in STAGES_BEFORE_DENOISING:
        percent = 0
    elif stage == "denoising" and steps:
        percent = max(0, min(100, (step or 0) * 100 // steps))
    elif stage == "denoising":
        percent = 0
    else:
        percent = 100

    update: dict[str, Any] = {"stage": stage, "percent": percent}
    if stage == "denoising" and steps:
        update["step"] = step or 0
        update["steps"] = steps
    return update


class DenoisingListener:
    """Callbacks for the denoising loop, invoked by count_denoising_steps()."""

    def started(self, steps: int | None) -> None:
        """Call before the first step runs."""

    def step_finished(self, step: int, steps: int | None) -> None:
        """Call after step number ``step`` (1-based) has finished."""

    def finished(self) -> None:
        """Call after the last step, when the loop ends."""


@contextlib.contextmanager
def count_denoising_steps(module: Any, listener: DenoisingListener) -> Iterator[bool]:
    """Replace ``module.tqdm`` with a wrapper that reports each finished step to listener.

    Wan2.2 has no per-step callback. Its pipelines run ``for _, t in
    enumerate(tqdm(timesteps))`` with ``tqdm`` imported into the pipeline's module, so
    swapping that module attribute is the only hook into the loop. The original is
    restored on exit. Yields False, and counts nothing, when the module has no ``tqdm``.
    """
    original = getattr(module, "tqdm", None)
    if original is None:
        log.warning(
            "%s has no tqdm attribute; denoising steps will not be reported",
            getattr(module, "__name__", module),
        )
        yield False
        return

    def counting_tqdm(iterable=None, *args, **kwargs):
        steps = kwargs.get("total")
        if steps is None:
            try:
                steps = len(iterable)
            except TypeError:
                steps = None
        return _iterate_counting(original(iterable, *args, **kwargs), steps, listener)

    module.tqdm = counting_tqdm
    try:
        yield True
    finally:
        module.tqdm = original


def _iterate_counting(bar, steps: int | None, listener: DenoisingListener):
    listener.started(steps)
    step = 0
    for item in bar:
        yield item
        # The loop body for this item has run when the caller asks for the next one.
        step += 1
        listener.step_finished(step, steps)
    listener.finished()
