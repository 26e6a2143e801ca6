#!/usr/bin/env bash
# Starts glassbox-kernel (kernel/src) for the "Rust · glassbox" kernelspec (kernel/install.sh).
#
# - EVCXR_CONFIG_DIR=kernel/evcxr-config: `:opt 2` from init.evcxr.
# - EVCXR_TMPDIR (evcxr's build folder): kept as given; otherwise the first free slot
#   target/evcxr/kernel-N (N = 0..3), held with a lock for the kernel's lifetime, so a new kernel
#   reuses what the previous one compiled (glassbox itself included) and two kernels never share a
#   folder. With all slots busy, evcxr uses a fresh temporary folder (slower first cell).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
[ -d "$HOME/.cargo/bin" ] && export PATH="$HOME/.cargo/bin:$PATH"
export EVCXR_CONFIG_DIR="${EVCXR_CONFIG_DIR:-$here/evcxr-config}"

if [ -z "${EVCXR_TMPDIR:-}" ] && command -v flock >/dev/null && mkdir -p "$root/target/evcxr" 2>/dev/null; then
  for slot in 0 1 2 3; do
    exec 9>"$root/target/evcxr/kernel-$slot.lock"
    if flock -n 9; then
      export EVCXR_TMPDIR="$root/target/evcxr/kernel-$slot"
      break # fd 9 stays open (and locked) in the kernel and its children
    fi
    exec 9>&-
  done
fi
if [ -n "${EVCXR_TMPDIR:-}" ]; then
  mkdir -p "$EVCXR_TMPDIR"
  # Same dependency versions as the workspace (tested, and no registry lookup on a first compile).
  [ -e "$EVCXR_TMPDIR/Cargo.lock" ] || cp "$root/Cargo.lock" "$EVCXR_TMPDIR/Cargo.lock" 2>/dev/null || true
fi

kernel_bin="${GLASSBOX_KERNEL_BIN:-${CARGO_TARGET_DIR:-$root/target}/debug/glassbox-kernel}"
[ -x "$kernel_bin" ] || {
  echo "glassbox kernel: $kernel_bin is missing; run kernel/install.sh" >&2
  exit 1
}
# The kernel's own stdout is not the notebook's (cells talk over ZeroMQ): evcxr's `:load_config`
# prints "No configuration file found, use the default configuration" there at start (evcxr.toml
# is optional; init.evcxr configures it). It goes to a log beside the build folder. Errors stay
# on stderr.
log=/dev/null
[ -n "${EVCXR_TMPDIR:-}" ] && log="$EVCXR_TMPDIR.stdout.log"
exec "$kernel_bin" "$@" >>"$log"
