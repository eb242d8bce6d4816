"""The kubernetes supervisor of the Python base image: see ``sfn_runtime.supervise``."""
