#!/usr/bin/env bash
# The tour (`make tour`): sets up the glassbox kernel, runs every notebook in notebooks/ headlessly
# in order, and writes the executed notebooks, their HTML renderings and an index page to
# target/tour/. Exits non-zero when any cell fails, after printing that cell's source and error.
#
# First run on a fresh machine: ~10 min to build the glassbox kernel (evcxr), then a few minutes to compile
# glassbox's dependencies in the kernel. Later runs reuse both (target/evcxr/, ~/.cache/evcxr).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
start=$(date +%s)

"$root/kernel/install.sh"

shopt -s nullglob
notebooks=(notebooks/*.ipynb)
[ ${#notebooks[@]} -gt 0 ] || { echo "tour: no notebooks in notebooks/" >&2; exit 1; }
out="$root/target/tour"
rm -rf "$out"
printf '\n[tour] running %d notebooks through the "Rust · glassbox" kernel\n' ${#notebooks[@]}
status=0
.venv/bin/python kernel/notebook_runner.py --out "$out" --html "${notebooks[@]}" || status=$?
printf '[tour] executed notebooks and HTML: %s (open index.html)\n' "$out"
printf '[tour] total wall time %d s\n' $(($(date +%s) - start))
exit $status
