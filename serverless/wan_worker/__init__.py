"""Building blocks of the Wan2.2 RunPod worker; handler.py wires them into a job handler."""
