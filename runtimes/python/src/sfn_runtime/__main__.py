"""``python -m sfn_runtime <module:Class> <contract.json>``: the entrypoint of the Python base image."""

import sys

from ._host._run import main

sys.exit(main(sys.argv[1:]))
