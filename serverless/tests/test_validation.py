"""Input validation against the bot/worker contract."""

import unittest

from . import support  # noqa: F401  (puts serverless/ on sys.path)
from wan_worker.errors import InputError
from wan_worker.settings import Limits
from wan_worker.validation import validate_input

LIMITS = Limits()


def validate(task="ti2v-5B", limits=LIMITS, **fields):
    raw = {"prompt": "a red fox running through snow", **fields}
    return validate_input(raw, task, limits)


class ValidInputTests(unittest.TestCase):
    def test_prompt_only_leaves_sampling_defaults_open(self):
        request = validate()

        self.assertEqual(request.prompt, "a red fox running through snow")
        self.assertEqual(request.task, "ti2v-5B")
        self.assertEqual(request.size, "1280*704")
        self.assertEqual((request.width, request.height), (1280, 704))
        self.assertIsNone(request.frame_num)
        self.assertIsNone(request.sample_steps)
        self.assertIsNone(request.sample_shift)
        self.assertIsNone(request.guide_scale)
        self.assertIsNone(request.seed)
        self.assertEqual(request.negative_prompt, "")
        self.assertFalse(request.has_image)

    def test_default_size_per_task(self):
        self.assertEqual(validate(task="t2v-A14B").size, "1280*720")
        self.assertEqual(validate(task="i2v-A14B", image_url="https://x.example/a.png").size, "1280*720")

    def test_task_left_out_means_worker_task(self):
        self.assertEqual(validate(task="t2v-A14B").task, "t2v-A14B")

    def test_all_fields_are_kept(self):
        request = validate(
            negative_prompt="  blurry ",
            task="ti2v-5B",
            size="704*1280",
            frame_num=81,
            sample_steps=30,
            sample_shift=3.5,
            guide_scale=6,
            seed=7,
        )

        self.assertEqual(request.negative_prompt, "blurry")
        self.assertEqual((request.width, request.height), (704, 1280))
        self.assertEqual(request.frame_num, 81)
        self.assertEqual(request.sample_steps, 30)
        self.assertEqual(request.sample_shift, 3.5)
        self.assertEqual(request.guide_scale, 6.0)
        self.assertIsInstance(request.guide_scale, float)
        self.assertEqual(request.seed, 7)

    def test_whole_float_accepted_as_int(self):
        self.assertEqual(validate(frame_num=121.0).frame_num, 121)

    def test_every_a14b_size_accepted(self):
        for size in ("720*1280", "1280*720", "480*832", "832*480"):
            with self.subTest(size=size):
                self.assertEqual(validate(task="t2v-A14B", size=size).size, size)

    def test_prompt_is_stripped(self):
        self.assertEqual(validate(prompt="  fox \n").prompt, "fox")

    def test_unknown_fields_are_ignored(self):
        with self.assertLogs("wan_worker.validation", level="WARNING") as logs:
            request = validate(steps=10)

        self.assertIsNone(request.sample_steps)
        self.assertIn("steps", logs.output[0])

    def test_seed_bounds(self):
        self.assertEqual(validate(seed=0).seed, 0)
        self.assertEqual(validate(seed=2**63 - 1).seed, 2**63 - 1)


class InvalidInputTests(unittest.TestCase):
    def assertRejected(self, expected_parts, task="ti2v-5B", limits=LIMITS, raw=None, **fields):
        with self.assertRaises(InputError) as caught:
            if raw is not None:
                validate_input(raw, task, limits)
            else:
                validate(task=task, limits=limits, **fields)
        message = str(caught.exception)
        for part in expected_parts:
            self.assertIn(part, message)
        return message

    def test_input_not_an_object(self):
        self.assertRejected(["input must be a JSON object", "list"], raw=["fox"])

    def test_prompt_missing(self):
        self.assertRejected(["prompt is missing"], raw={"task": "ti2v-5B"})

    def test_prompt_blank(self):
        self.assertRejected(["prompt is empty"], prompt="   ")

    def test_prompt_not_text(self):
        self.assertRejected(["prompt must be text", "int"], prompt=5)

    def test_prompt_too_long(self):
        self.assertRejected(["2001 characters", "maximum of 2000"], prompt="a" * 2001)

    def test_prompt_limit_is_configurable(self):
        self.assertRejected(["11 characters", "maximum of 10"], limits=Limits(max_prompt_chars=10),
                            prompt="a" * 11)  # fmt: skip

    def test_negative_prompt_not_text(self):
        self.assertRejected(["negative_prompt must be text"], negative_prompt=["blurry"])

    def test_negative_prompt_too_long(self):
        self.assertRejected(["negative_prompt is 2001 characters"], negative_prompt="b" * 2001)

    def test_unknown_task(self):
        self.assertRejected(["task 's2v-14B' is not supported", "ti2v-5B, t2v-A14B, i2v-A14B"],
                            task="ti2v-5B", raw={"prompt": "fox", "task": "s2v-14B"})  # fmt: skip

    def test_task_other_than_worker_task(self):
        message = self.assertRejected(
            ["task t2v-A14B is not served by this endpoint", "runs ti2v-5B"],
            raw={"prompt": "fox", "task": "t2v-A14B"},
        )
        self.assertIn("Leave task out", message)

    def test_size_of_other_task(self):
        self.assertRejected(
            ["size 1280*720 is not supported by ti2v-5B", "1280*704, 704*1280"], size="1280*720"
        )

    def test_ti2v_size_on_a14b(self):
        self.assertRejected(["size 1280*704 is not supported by t2v-A14B"], task="t2v-A14B",
                            size="1280*704")  # fmt: skip

    def test_size_malformed(self):
        self.assertRejected(["size 1280 by 704 is not supported"], size="1280 by 704")

    def test_size_not_text(self):
        self.assertRejected(["size must be text"], size=[1280, 704])

    def test_frame_num_not_4n_plus_1(self):
        self.assertRejected(["frame_num 120 is invalid", "4n+1", "Use 117 or 121"], frame_num=120)

    def test_frame_num_suggestion_stays_in_range(self):
        self.assertRejected(["frame_num 6 is invalid", "Use 5 or 9."], frame_num=6)

    def test_frame_num_above_task_default(self):
        self.assertRejected(["frame_num 125 is out of range", "from 5 to 121"], frame_num=125)

    def test_frame_num_above_a14b_default(self):
        self.assertRejected(["frame_num 121 is out of range", "from 5 to 81"], task="t2v-A14B",
                            frame_num=121)  # fmt: skip

    def test_frame_num_maximum_configurable(self):
        request = validate(limits=Limits(max_frame_num=241), frame_num=241)
        self.assertEqual(request.frame_num, 241)

    def test_frame_num_too_small(self):
        self.assertRejected(["frame_num 1 is out of range"], frame_num=1)

    def test_frame_num_fraction(self):
        self.assertRejected(["frame_num must be a whole number, not 120.5"], frame_num=120.5)

    def test_frame_num_bool(self):
        self.assertRejected(["frame_num must be a whole number, not True"], frame_num=True)

    def test_frame_num_text(self):
        self.assertRejected(["frame_num must be a whole number, not '121'"], frame_num="121")

    def test_sample_steps_range(self):
        self.assertRejected(["sample_steps 0 is out of range", "from 1 to 100"], sample_steps=0)
        self.assertRejected(["sample_steps 101 is out of range"], sample_steps=101)

    def test_sample_shift_range(self):
        self.assertRejected(["sample_shift 0 is out of range", "more than 0 up to 20"], sample_shift=0)
        self.assertRejected(["sample_shift 20.5 is out of range"], sample_shift=20.5)

    def test_sample_shift_not_number(self):
        self.assertRejected(["sample_shift must be a number, not 'high'"], sample_shift="high")

    def test_guide_scale_range(self):
        self.assertRejected(["guide_scale -1 is out of range", "from 0 up to 20"], guide_scale=-1)
        self.assertRejected(["guide_scale 21 is out of range"], guide_scale=21)

    def test_guide_scale_not_finite(self):
        self.assertRejected(["guide_scale must be a number, not nan"], guide_scale=float("nan"))

    def test_seed_negative(self):
        self.assertRejected(["seed -1 is out of range"], seed=-1)

    def test_seed_too_large(self):
        self.assertRejected([f"seed {2**63} is out of range"], seed=2**63)


class ImagePresenceTests(unittest.TestCase):
    def assertRejected(self, expected, task, **fields):
        with self.assertRaises(InputError) as caught:
            validate(task=task, **fields)
        self.assertIn(expected, str(caught.exception))

    def test_i2v_requires_an_image(self):
        self.assertRejected("i2v-A14B makes a video from an image", task="i2v-A14B")

    def test_i2v_accepts_either_image_field(self):
        by_url = validate(task="i2v-A14B", image_url="https://cdn.example.com/cat.png")
        by_data = validate(task="i2v-A14B", image_base64="iVBORw0KGgo=")

        self.assertEqual(by_url.image_url, "https://cdn.example.com/cat.png")
        self.assertEqual(by_data.image_base64, "iVBORw0KGgo=")

    def test_both_image_fields_rejected(self):
        for task in ("i2v-A14B", "ti2v-5B"):
            with self.subTest(task=task):
                self.assertRejected("either image_url or image_base64, not both", task=task,
                                    image_url="https://x.example/a.png", image_base64="AAAA")  # fmt: skip

    def test_t2v_rejects_an_image(self):
        for field in ("image_url", "image_base64"):
            with self.subTest(field=field):
                self.assertRejected("t2v-A14B is text-to-video only", task="t2v-A14B", **{field: "AAAA"})

    def test_ti2v_image_optional(self):
        self.assertFalse(validate(task="ti2v-5B").has_image)
        self.assertTrue(validate(task="ti2v-5B", image_base64="AAAA").has_image)

    def test_empty_image_field_rejected(self):
        self.assertRejected("image_url is empty", task="i2v-A14B", image_url="  ")

    def test_image_field_not_text(self):
        self.assertRejected("image_base64 must be text", task="i2v-A14B", image_base64=b"x")


if __name__ == "__main__":
    unittest.main()
