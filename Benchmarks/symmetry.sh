#!/bin/sh
# Symmetry benchmark, Swift and Python side by side on the same structure file.
# Usage: Benchmarks/symmetry.sh [PYTHON] (default venv/bin/python); run from the package root.
set -e
PY=${1:-venv/bin/python}
FILE=Tests/Fixtures/structures.json.gz
swift build -c release --product kiln-bench
uptime
.build/release/kiln-bench symmetry "$FILE" --repeats 3
"$PY" Benchmarks/symmetry_python.py "$FILE" --repeats 3
uptime
