#!/usr/bin/env bash
# Sets up the "Rust · glassbox" Jupyter kernel on this machine. Idempotent: run it as often as you
# like; each step is skipped when already done.
#
#   kernel/install.sh                  rust-src, the kernel binary glassbox-kernel (cargo build), .venv
#                                      (JupyterLab, nbclient, nbconvert), the kernelspec `glassbox-rust`
#   kernel/install.sh --requirements F also installs the pinned Python packages listed in file F
#   kernel/install.sh --current-python no .venv: registers the kernelspec in the Python environment
#                                      that `jupyter` on PATH belongs to (Binder's postBuild)
#
# Afterwards: `.venv/bin/jupyter lab` and pick the "Rust · glassbox" kernel.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
venv="$root/.venv"
evcxr_version="0.22.0"
spec_name="glassbox-rust"
spec_display="Rust · glassbox"

use_venv=1
extra_reqs=()
while [ $# -gt 0 ]; do
  case "$1" in
    --current-python) use_venv=0 ;;
    --requirements) extra_reqs+=("$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"); shift ;;
    -h | --help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done

say() { printf '[kernel] %s\n' "$*"; }
die() { printf '[kernel] error: %s\n' "$*" >&2; exit 1; }

# --- Rust: cargo, rustc, rust-src -----------------------------------------------------------------
[ -d "$HOME/.cargo/bin" ] && export PATH="$HOME/.cargo/bin:$PATH"
command -v cargo >/dev/null && command -v rustc >/dev/null ||
  die "cargo and rustc are not on PATH. Install Rust with rustup (https://rustup.rs), then rerun."

# The toolchain is the one rust-toolchain.toml pins (rustup picks it from the repo root).
sysroot="$(cd "$root" && rustc --print sysroot)"
if [ ! -d "$sysroot/lib/rustlib/src/rust/library" ]; then
  command -v rustup >/dev/null ||
    die "rust-src is missing from $sysroot and rustup is not on PATH to add it (evcxr needs it)."
  say "adding rust-src to the toolchain (evcxr's code analysis needs it)"
  (cd "$root" && rustup component add rust-src)
fi

# --- the kernel: glassbox-kernel (kernel/src, on the evcxr library) -------------------------------
# Built into the workspace's target folder with the dev profile: the same build `cargo test
# --workspace` reuses (CI compiles evcxr's tree once). Up to date, this takes a second.
target_dir="${CARGO_TARGET_DIR:-$root/target}"
kernel_bin="$target_dir/debug/glassbox-kernel"
[ -x "$kernel_bin" ] || say "building glassbox-kernel (once: it compiles evcxr $evcxr_version and rust-analyzer's crates, about 15 minutes on 2 cores)"
build_start=$(date +%s)
(cd "$root" && cargo build --locked --quiet -p glassbox-kernel) ||
  die "cargo build -p glassbox-kernel failed (see above). The first build needs crates.io access."
[ -x "$kernel_bin" ] || die "cargo built glassbox-kernel but $kernel_bin is missing."
build_s=$(($(date +%s) - build_start))
[ "$build_s" -lt 5 ] || say "glassbox-kernel built in ${build_s} s"

# --- Python: a venv with JupyterLab, nbclient, nbconvert (pinned) --------------------------------
reqs=("$here/requirements.txt" "${extra_reqs[@]}")
if [ "$use_venv" = 1 ]; then
  if [ ! -x "$venv/bin/python" ]; then
    py="$(command -v python3 || true)"
    [ -n "$py" ] || die "python3 is not on PATH (Debian: apt-get install -y python3 python3-venv)."
    say "creating the Python environment $venv"
    if ! "$py" -m venv "$venv" 2>/dev/null; then
      rm -rf "$venv"
      if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        say "python3 cannot create venvs; installing Debian's python3-venv"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
        "$py" -m venv "$venv"
      else
        die "'$py -m venv' failed: install python3-venv (Debian/Ubuntu) and rerun."
      fi
    fi
  fi
  python="$venv/bin/python"
  jupyter="$venv/bin/jupyter"
  # One stamp line per requirements file installed (hash of it and the constraints).
  stamp="$venv/.glassbox-requirements.sha256"
  todo=() hashes=()
  for r in "${reqs[@]}"; do
    h="$(cat "$here/constraints.txt" "$r" | sha256sum | cut -d' ' -f1)"
    if ! grep -qx "$h" "$stamp" 2>/dev/null; then todo+=(-r "$r"); hashes+=("$h"); fi
  done
  if [ ${#todo[@]} -gt 0 ]; then
    say "installing pinned Python packages into .venv: ${todo[*]//"$root/"/}"
    "$python" -m pip install --quiet --disable-pip-version-check -c "$here/constraints.txt" "${todo[@]}" ||
      die "pip install failed (see above); PyPI must be reachable on first install."
    printf '%s\n' "${hashes[@]}" >>"$stamp"
  fi
else
  jupyter="$(command -v jupyter || true)"
  [ -n "$jupyter" ] || die "--current-python: no 'jupyter' on PATH (install jupyterlab first)."
  python="$(dirname "$jupyter")/python"
  [ -x "$python" ] || python="$(command -v python3)"
  if [ ${#extra_reqs[@]} -gt 0 ]; then
    "$python" -m pip install --quiet -c "$here/constraints.txt" "${extra_reqs[@]/#/-r}"
  fi
fi

# --- the kernelspec -------------------------------------------------------------------------------
# Named glassbox-rust, not rust: a spec named `rust` belongs to evcxr_jupyter (which rewrites it).
spec_dir="$(mktemp -d)"
trap 'rm -rf "$spec_dir"' EXIT
cat >"$spec_dir/kernel.json" <<EOF
{
  "argv": ["$here/launch.sh", "--control_file", "{connection_file}"],
  "display_name": "$spec_display",
  "language": "rust",
  "interrupt_mode": "message",
  "metadata": {"glassbox": {"repo": "$root", "kernel": "glassbox-kernel", "evcxr": "$evcxr_version"}}
}
EOF
spec_json="$("$python" -c 'import sys; print(sys.prefix)')/share/jupyter/kernels/$spec_name/kernel.json"
if ! cmp -s "$spec_dir/kernel.json" "$spec_json" 2>/dev/null; then
  "$jupyter" kernelspec install --sys-prefix --replace --name "$spec_name" "$spec_dir" >/dev/null 2>&1 ||
    die "'$jupyter kernelspec install' failed for $spec_name"
  say "registered kernelspec '$spec_name' (\"$spec_display\") in $(dirname "$spec_json")"
fi
specs="$("$jupyter" kernelspec list 2>/dev/null || true)"
grep -q "^ *$spec_name " <<<"$specs" ||
  die "the kernelspec '$spec_name' is not visible to '$jupyter kernelspec list'."

say "ready: glassbox-kernel (evcxr $evcxr_version), kernel '$spec_display' ($spec_name), python $python"
