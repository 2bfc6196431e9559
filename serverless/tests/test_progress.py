"""Progress updates: contract shape, throttling, the quiet period before return, tqdm hook."""

import types
import unittest

from . import support
from wan_worker.progress import (
    DenoisingListener,
    ProgressReporter,
    build_update,
    count_denoising_steps,
)


def make_reporter(interval_s=5.0, settle_s=3.0):
    clock = support.FakeClock()
    sent = []
    reporter = ProgressReporter(sent.append, interval_s, settle_s, clock=clock, sleep=clock.sleep)
    return reporter, clock, sent


class BuildUpdateTests(unittest.TestCase):
    def test_denoising_carries_step_and_percent(self):
        self.assertEqual(
            build_update("denoising", 20, 50),
            {"stage": "denoising", "percent": 40, "step": 20, "steps": 50},
        )

    def test_percent_rounds_down(self):
        self.assertEqual(build_update("denoising", 1, 3)["percent"], 33)

    def test_stages_before_denoising_are_zero(self):
        self.assertEqual(build_update("loading"), {"stage": "loading", "percent": 0})
        self.assertEqual(build_update("encoding"), {"stage": "encoding", "percent": 0})

    def test_stages_after_denoising_are_hundred(self):
        self.assertEqual(build_update("decoding"), {"stage": "decoding", "percent": 100})
        self.assertEqual(build_update("uploading"), {"stage": "uploading", "percent": 100})

    def test_matches_in_progress_fixture(self):
        fixture = support.load_fixture("status-in-progress.json")["output"]
        self.assertEqual(build_update("denoising", fixture["step"], fixture["steps"]), fixture)


class ThrottleTests(unittest.TestCase):
    def test_first_update_sent(self):
        reporter, _, sent = make_reporter()

        self.assertTrue(reporter.report("encoding"))
        self.assertEqual(sent, [{"stage": "encoding", "percent": 0}])

    def test_same_stage_within_interval_dropped(self):
        reporter, clock, sent = make_reporter(interval_s=5.0)
        reporter.report("denoising", 1, 50)
        clock.advance(4.9)

        self.assertFalse(reporter.report("denoising", 2, 50))
        self.assertEqual(len(sent), 1)

    def test_same_stage_after_interval_sent(self):
        reporter, clock, sent = make_reporter(interval_s=5.0)
        reporter.report("denoising", 1, 50)
        clock.advance(5.0)

        self.assertTrue(reporter.report("denoising", 3, 50))
        self.assertEqual(sent[-1]["step"], 3)

    def test_stage_change_bypasses_interval(self):
        reporter, clock, sent = make_reporter(interval_s=5.0)
        reporter.report("denoising", 50, 50)
        clock.advance(0.1)

        self.assertTrue(reporter.report("decoding"))
        self.assertEqual([update["stage"] for update in sent], ["denoising", "decoding"])

    def test_long_loop_updates_bounded(self):
        reporter, clock, sent = make_reporter(interval_s=5.0)
        for step in range(1, 101):
            clock.advance(1.0)
            reporter.report("denoising", step, 100)

        # One update for the stage change at step 1, then one per 5 s.
        self.assertEqual([update["step"] for update in sent], [1, 6, 11, 16, 21, 26, 31, 36, 41, 46,
                                                              51, 56, 61, 66, 71, 76, 81, 86, 91, 96])  # fmt: skip

    def test_unknown_stage_raises(self):
        reporter, _, _ = make_reporter()
        with self.assertRaises(ValueError):
            reporter.report("rendering")

    def test_send_failure_does_not_raise(self):
        clock = support.FakeClock()

        def failing_send(update):
            raise RuntimeError("network down")

        reporter = ProgressReporter(failing_send, 5.0, 3.0, clock=clock, sleep=clock.sleep)
        with self.assertLogs("wan_worker.progress", level="WARNING"):
            self.assertTrue(reporter.report("encoding"))


class SettleTests(unittest.TestCase):
    def test_waits_out_recent_update(self):
        reporter, clock, _ = make_reporter(settle_s=3.0)
        reporter.report("uploading")
        clock.advance(1.0)

        reporter.settle()

        self.assertEqual(clock.sleeps, [2.0])

    def test_no_wait_for_old_update(self):
        reporter, clock, _ = make_reporter(settle_s=3.0)
        reporter.report("decoding")
        clock.advance(10.0)

        reporter.settle()

        self.assertEqual(clock.sleeps, [])

    def test_no_wait_without_updates(self):
        reporter, clock, _ = make_reporter(settle_s=3.0)

        reporter.settle()

        self.assertEqual(clock.sleeps, [])

    def test_updates_after_settle_dropped(self):
        reporter, clock, sent = make_reporter()
        reporter.settle()
        clock.advance(100)

        self.assertFalse(reporter.report("uploading"))
        self.assertEqual(sent, [])


class RecordingListener(DenoisingListener):
    def __init__(self):
        self.events = []

    def started(self, steps):
        self.events.append(("started", steps))

    def step_finished(self, step, steps):
        self.events.append(("step", step, steps))

    def finished(self):
        self.events.append(("finished",))


class CountDenoisingStepsTests(unittest.TestCase):
    def make_module(self):
        module = types.ModuleType("fake_pipeline")
        module.tqdm_calls = []

        def tqdm(iterable, *args, **kwargs):
            module.tqdm_calls.append(kwargs)
            return iterable

        module.tqdm = tqdm
        return module

    def test_each_finished_step_reported(self):
        module = self.make_module()
        listener = RecordingListener()
        seen_inside_loop = []

        with count_denoising_steps(module, listener) as hooked:
            for item in module.tqdm([10, 20, 30]):
                seen_inside_loop.append((item, len(listener.events)))

        self.assertTrue(hooked)
        self.assertEqual(seen_inside_loop, [(10, 1), (20, 2), (30, 3)])
        self.assertEqual(
            listener.events,
            [("started", 3), ("step", 1, 3), ("step", 2, 3), ("step", 3, 3), ("finished",)],
        )

    def test_original_tqdm_runs_and_restored(self):
        module = self.make_module()
        original = module.tqdm

        with count_denoising_steps(module, RecordingListener()):
            list(module.tqdm(range(2), desc="sampling"))
            self.assertIsNot(module.tqdm, original)

        self.assertIs(module.tqdm, original)
        self.assertEqual(module.tqdm_calls, [{"desc": "sampling"}])

    def test_restored_after_error_in_loop(self):
        module = self.make_module()
        original = module.tqdm

        with self.assertRaises(RuntimeError):
            with count_denoising_steps(module, RecordingListener()):
                for _ in module.tqdm(range(3)):
                    raise RuntimeError("CUDA error")

        self.assertIs(module.tqdm, original)

    def test_total_keyword_used_for_generators(self):
        module = self.make_module()
        listener = RecordingListener()

        with count_denoising_steps(module, listener):
            list(module.tqdm((step for step in range(4)), total=4))

        self.assertEqual(listener.events[0], ("started", 4))

    def test_module_without_tqdm_yields_false(self):
        module = types.ModuleType("changed_pipeline")

        with self.assertLogs("wan_worker.progress", level="WARNING"):
            with count_denoising_steps(module, RecordingListener()) as hooked:
                self.assertFalse(hooked)


if __name__ == "__main__":
    unittest.main()
