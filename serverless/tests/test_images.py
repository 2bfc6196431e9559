"""Input image download, base64 decoding and type checks."""

import base64
import http.server
import socket
import threading
import unittest

from . import support
from wan_worker.errors import InputError
from wan_worker.images import (
    check_image_bytes,
    decode_image_base64,
    describe_url,
    detect_image_type,
    download_image,
)


class ImageTypeTests(unittest.TestCase):
    def test_accepted_types_detected(self):
        self.assertEqual(detect_image_type(support.PNG_BYTES), "png")
        self.assertEqual(detect_image_type(support.JPEG_BYTES), "jpeg")
        self.assertEqual(detect_image_type(support.WEBP_BYTES), "webp")

    def test_other_types_not_detected(self):
        self.assertIsNone(detect_image_type(support.GIF_BYTES))
        self.assertIsNone(detect_image_type(b"RIFF\x00\x00\x00\x00WAVE"))
        self.assertIsNone(detect_image_type(b""))

    def test_gif_rejected_with_first_bytes(self):
        with self.assertRaises(InputError) as caught:
            check_image_bytes(support.GIF_BYTES, "image_base64", 1000)

        message = str(caught.exception)
        self.assertIn("not a PNG, JPEG or WebP file", message)
        self.assertIn("47 49 46 38 39 61", message)

    def test_empty_rejected(self):
        with self.assertRaises(InputError) as caught:
            check_image_bytes(b"", "image_base64", 1000)
        self.assertIn("is empty", str(caught.exception))

    def test_size_cap(self):
        with self.assertRaises(InputError) as caught:
            check_image_bytes(support.PNG_BYTES, "image_base64", 10)
        self.assertIn("more than the maximum", str(caught.exception))


class Base64Tests(unittest.TestCase):
    def test_plain_base64_decoded(self):
        text = base64.b64encode(support.PNG_BYTES).decode()
        self.assertEqual(decode_image_base64(text, 1000), support.PNG_BYTES)

    def test_data_url_prefix_accepted(self):
        encoded = base64.b64encode(support.JPEG_BYTES).decode()
        text = "data:image/jpeg;base64," + encoded[:20] + "\n" + encoded[20:]
        self.assertEqual(decode_image_base64(text, 1000), support.JPEG_BYTES)

    def test_invalid_characters_rejected(self):
        with self.assertRaises(InputError) as caught:
            decode_image_base64("not base64 at all!!", 1000)
        self.assertIn("image_base64 is not valid base64", str(caught.exception))

    def test_bad_padding_rejected(self):
        with self.assertRaises(InputError) as caught:
            decode_image_base64("iVBORw0KGgo", 1000)
        self.assertIn("image_base64 is not valid base64", str(caught.exception))

    def test_oversized_rejected_before_decoding(self):
        text = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 3000).decode()
        with self.assertRaises(InputError) as caught:
            decode_image_base64(text, 1000)
        self.assertIn("more than the maximum of 0.0 MB", str(caught.exception))

    def test_wrong_type_rejected(self):
        text = base64.b64encode(support.GIF_BYTES).decode()
        with self.assertRaises(InputError) as caught:
            decode_image_base64(text, 1000)
        self.assertIn("image_base64 is not a PNG, JPEG or WebP file", str(caught.exception))


class ImageServer:
    """A loopback HTTP server with fixed responses per path."""

    def __init__(self, routes):
        routes = dict(routes)

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                path = self.path.split("?")[0]
                if path not in routes:
                    self.send_error(404, "Not Found")
                    return
                body, headers = routes[path]
                headers = dict(headers)
                streamed = headers.pop("X-Test-Streamed", None) is not None
                self.send_response(200)
                for name, value in headers.items():
                    self.send_header(name, value)
                # Without Content-Length the body ends when the HTTP/1.0 connection closes.
                if "Content-Length" not in headers and not streamed:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class DownloadTests(unittest.TestCase):
    def setUp(self):
        self.server = ImageServer(
            {
                "/cat.png": (support.PNG_BYTES, {"Content-Type": "image/png"}),
                "/cat.webp": (support.WEBP_BYTES, {}),
                "/big.png": (support.PNG_BYTES + b"\x00" * 5000, {}),
                # No Content-Length, so only the streamed byte count can hit the cap.
                "/streamed.png": (support.PNG_BYTES + b"\x00" * 5000, {"X-Test-Streamed": "1"}),
                "/anim.gif": (support.GIF_BYTES, {}),
            }
        )
        self.addCleanup(self.server.close)

    def test_png_downloaded(self):
        self.assertEqual(download_image(self.server.base + "/cat.png", 1000, 5), support.PNG_BYTES)

    def test_webp_downloaded(self):
        self.assertEqual(download_image(self.server.base + "/cat.webp", 1000, 5), support.WEBP_BYTES)

    def test_not_found_reports_status(self):
        with self.assertRaises(InputError) as caught:
            download_image(self.server.base + "/missing.png?token=abc", 1000, 5)

        message = str(caught.exception)
        self.assertIn("HTTP 404", message)
        self.assertIn(self.server.base + "/missing.png", message)
        self.assertNotIn("token=abc", message)

    def test_declared_size_over_cap_rejected(self):
        with self.assertRaises(InputError) as caught:
            download_image(self.server.base + "/big.png", 1000, 5)
        self.assertIn("more than the maximum", str(caught.exception))

    def test_streamed_size_over_cap_rejected(self):
        with self.assertRaises(InputError) as caught:
            download_image(self.server.base + "/streamed.png", 1000, 5)
        self.assertIn("larger than the maximum", str(caught.exception))

    def test_wrong_type_rejected(self):
        with self.assertRaises(InputError) as caught:
            download_image(self.server.base + "/anim.gif", 1000, 5)
        self.assertIn("is not a PNG, JPEG or WebP file", str(caught.exception))

    def test_unreachable_host_reported(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            free_port = probe.getsockname()[1]
        with self.assertRaises(InputError) as caught:
            download_image(f"http://127.0.0.1:{free_port}/cat.png", 1000, 5)
        self.assertIn("Could not download the image", str(caught.exception))

    def test_non_http_scheme_rejected(self):
        with self.assertRaises(InputError) as caught:
            download_image("file:///etc/passwd", 1000, 5)
        self.assertIn("is not an http or https URL", str(caught.exception))

    def test_describe_url_drops_query(self):
        self.assertEqual(
            describe_url("https://cdn.example.com/a/b.png?ex=1&hm=2#frag"),
            "https://cdn.example.com/a/b.png",
        )


if __name__ == "__main__":
    unittest.main()
