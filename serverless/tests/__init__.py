"""Unit tests of the Wan2.2 RunPod worker; run with python3 -m unittest discover serverless."""
