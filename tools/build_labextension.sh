#!/usr/bin/env bash
# Build the AI-product panel (labextension/, TypeScript) into aipo_widgets/labextension, which
# is committed and shipped in the wheel: installing the kit builds nothing and needs no Node.
# Needs Node.js >= 20 and npm (packages from the npm registry, pinned by package-lock.json),
# and the kit's venv for `jupyter labextension build`. Run after changing labextension/.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV_BIN="$(cd "${VENV_BIN:-.venv/bin}" && pwd)"
cd labextension
npm ci --no-audit --no-fund
npx tsc -b
rm -rf ../aipo_widgets/labextension
PATH="$VENV_BIN:$PATH" jupyter-builder build .
cd ..
# What the build was made from: a test compares it with the sources, so a change to the panel
# that was not rebuilt fails `make test`.
"$VENV_BIN/python" tools/labextension_digest.py > aipo_widgets/labextension/source-digest.txt
cat > aipo_widgets/labextension/install.json <<'JSON'
{
  "packageManager": "python",
  "packageName": "aipo-kit",
  "uninstallInstructions": "Uninstall the kit with pip: pip uninstall aipo-kit"
}
JSON
echo "built aipo_widgets/labextension from labextension/"
