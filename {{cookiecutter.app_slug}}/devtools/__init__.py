"""The app's development toolkit: run on a laptop, in tests or in CI, never deployed.

platform_sim/ (the local 一网协同), compliance/ (`flask --app wsgi compliance check`),
bench/ (`make bench`), loopback_stack.py (the production-like stack on 127.0.0.1),
dev_cert.py (`make dev-cert`). The app's package never imports any of it, and neither
`pip install .` nor the container image carries it.
"""

from pathlib import Path

# The checkout the toolkit works on: devtools/ sits at its top.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
