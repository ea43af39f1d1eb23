# Shared set-up for scripts/run and scripts/test. Sourced, not executed.
# Installs into the project folder: .bootstrap/ (uv), .venv/ (Python packages), node_modules/
# (front-end packages); Debian packages the platform needs are installed when missing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
UV_VERSION="0.13.9"
export UV_PYTHON_DOWNLOADS=never
export PATH="$ROOT/.venv/bin:$PATH"
# Keep Python's compiled bytecode (__pycache__/ beside the sources): where the environment sets
# PYTHONDONTWRITEBYTECODE, every process (test workers, `lienthong` commands, servers, their
# workers) compiled Django, Wagtail and the platform again, about 5 s of CPU each.
unset PYTHONDONTWRITEBYTECODE

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    log "need root to run: $*"; return 1; fi
}

apt_ensure() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

python_env() {  # $@: extra arguments for uv sync
  if [ ! -x .bootstrap/bin/uv ] || [ "$(.bootstrap/bin/uv --version | cut -d' ' -f2)" != "$UV_VERSION" ]; then
    log "installing uv $UV_VERSION into .bootstrap/"
    python3 -m venv .bootstrap
    .bootstrap/bin/pip install -q --disable-pip-version-check "uv==$UV_VERSION"
  fi
  log "installing Python packages into .venv/"
  .bootstrap/bin/uv sync --locked --quiet "$@"
}

static_env() {
  log "installing front-end packages into node_modules/"
  npm ci --omit=optional --no-audit --no-fund --loglevel=error >/dev/null
  log "compiling translations"
  local po
  for po in src/lienthong/locale/*/LC_MESSAGES/django.po; do
    msgfmt --check-format -o "${po%.po}.mo" "$po"
  done
}
