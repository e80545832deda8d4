# Shared by scripts/run and scripts/test: install what a fresh Debian/Ubuntu machine lacks.
# Sourced, not run. Every step is idempotent and skips what is already there.

set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/microcredx-wallet/target}"
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '\n==> %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# apt packages that are missing, installed in one go.
need_apt() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    say "installing system packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  fi
}

need_build_deps() {
  need_apt build-essential pkg-config libwebkit2gtk-4.1-dev libssl-dev curl ca-certificates
  if ! command -v cargo >/dev/null; then
    say "installing the Rust toolchain (rustup)"
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
  fi
  if ! command -v node >/dev/null || ! node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>20||(a===20&&b>=19)?0:1)'; then
    need_apt nodejs npm
    node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>20||(a===20&&b>=19)?0:1)' \
      || { echo "Node.js 20.19 or newer is needed to build the UI (found $(node --version))." >&2; exit 1; }
  fi
}

# npm ci in a folder when its node_modules is missing or older than its lock file.
npm_ready() {
  local dir="$1"
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    say "installing npm packages in ${dir#"$REPO"/}"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

build_ui() {
  npm_ready "$REPO/ui"
  say "building the UI"
  (cd "$REPO/ui" && npm run --silent build)
}

# The share-link verifier page: the core's verifier built for the browser, assembled into one
# self-contained HTML file at verifier/dist/verifier.html, and copied beside the programs built
# here (debug and release), which is where `mcx export link` and the app find it by default, as
# an installed package has it beside the app.
build_verifier() {
  rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown \
    || rustup target add wasm32-unknown-unknown
  say "verifier page: the core's verifier as WebAssembly"
  cargo build -p microcredx-verifier --target wasm32-unknown-unknown --profile wasm --locked
  node "$REPO/verifier/build.mjs" "$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm/microcredx_verifier.wasm" \
    "$REPO/verifier/dist/verifier.html"
  for profile in debug release; do
    mkdir -p "$CARGO_TARGET_DIR/$profile"
    cp "$REPO/verifier/dist/verifier.html" "$CARGO_TARGET_DIR/$profile/verifier.html"
  done
}
