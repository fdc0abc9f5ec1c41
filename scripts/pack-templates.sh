#!/usr/bin/env bash
# Kept for existing instructions: scripts/pack.sh now packs everything (libraries, tools, templates) into one feed.
# This runs it into $FEED_DIR (default dist/feed) and copies the template package into $TEMPLATES_DIR (default
# dist/templates). RUNTIME_VERSION sets the version of all packages.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
feed="${FEED_DIR:-$root/dist/feed}"
templates="${TEMPLATES_DIR:-$root/dist/templates}"
PACKAGES_DIR="$feed" PACKAGE_VERSION="${RUNTIME_VERSION:-}" "$root/scripts/pack.sh"
mkdir -p "$templates"
cp "$feed"/FunctionCompute.Templates.*.nupkg "$templates/"
echo "pack-templates.sh: packages in $feed, templates in $templates" >&2
