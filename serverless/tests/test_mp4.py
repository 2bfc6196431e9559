"""Reading the facts of an MP4 file, and rejecting files that are not one."""

import os
import shutil
import struct
import subprocess
import tempfile
import unittest

from . import support
from wan_worker.mp4 import InvalidMp4Error, read_mp4_facts


class Mp4FactsTests(unittest.TestCase):
    def setUp(self):
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.folder = folder.name

    def write(self, name: str, data: bytes) -> str:
        path = os.path.join(self.folder, name)
        with open(path, "wb") as file:
            file.write(data)
        return path

    def test_fixture_clip_facts(self):
        data = support.tiny_mp4_bytes()
        facts = read_mp4_facts(self.write("tiny.mp4", data))

        self.assertEqual(facts.bytes, len(data))
        self.assertEqual(facts.width, 128)
        self.assertEqual(facts.height, 72)
        self.assertEqual(facts.frames, 24)
        self.assertAlmostEqual(facts.duration_s, 1.0, places=3)

    def test_empty_file_rejected(self):
        with self.assertRaisesRegex(InvalidMp4Error, "empty"):
            read_mp4_facts(self.write("empty.mp4", b""))

    def test_text_file_rejected(self):
        with self.assertRaises(InvalidMp4Error):
            read_mp4_facts(self.write("text.mp4", b"save_video failed, error: ..."))

    def test_missing_ftyp_rejected(self):
        box = struct.pack(">I4s", 16, b"free") + b"\x00" * 8
        with self.assertRaisesRegex(InvalidMp4Error, "not an ftyp box"):
            read_mp4_facts(self.write("free.mp4", box))

    def test_missing_moov_rejected(self):
        ftyp = struct.pack(">I4s4sI", 16, b"ftyp", b"isom", 512)
        mdat = struct.pack(">I4s", 12, b"mdat") + b"\x00" * 4
        with self.assertRaisesRegex(InvalidMp4Error, "no moov box"):
            read_mp4_facts(self.write("nomoov.mp4", ftyp + mdat))

    def test_truncated_file_rejected(self):
        data = support.tiny_mp4_bytes()
        with self.assertRaises(InvalidMp4Error):
            read_mp4_facts(self.write("cut.mp4", data[: len(data) // 3]))

    @unittest.skipUnless(shutil.which("ffmpeg"), "ffmpeg is not installed")
    def test_moov_at_end_read(self):
        # imageio-ffmpeg, which Wan's save_video uses, writes the moov box after the media data.
        path = os.path.join(self.folder, "late.mp4")
        subprocess.run(
            ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=64x48:rate=16",
             "-frames:v", "17", "-c:v", "libx264", "-pix_fmt", "yuv420p", path],
            check=True,
        )  # fmt: skip

        facts = read_mp4_facts(path)

        self.assertEqual((facts.width, facts.height, facts.frames), (64, 48, 17))
        self.assertAlmostEqual(facts.duration_s, 17 / 16, places=3)


if __name__ == "__main__":
    unittest.main()
