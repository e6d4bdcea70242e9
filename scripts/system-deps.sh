#!/usr/bin/env bash
# Install the system packages rpa_scout uses (Graphviz's `dot` for pictures) where the
# machine allows; otherwise say what to do. Never fails the build: without `dot`,
# rpa_scout still writes DOT files and says how to install Graphviz.
set -u
if command -v dot >/dev/null 2>&1; then
  exit 0
fi
if command -v apt-get >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; fi
  fi
  if [ "$(id -u)" -eq 0 ] || [ -n "$SUDO" ]; then
    echo "installing Graphviz (apt-get install graphviz) ..."
    $SUDO apt-get update -qq >/dev/null 2>&1
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq graphviz >/dev/null 2>&1
  fi
fi
if ! command -v dot >/dev/null 2>&1; then
  echo "note: Graphviz's 'dot' is not installed, so SVG/PNG pictures are skipped (DOT files are still written)."
  echo "      install it with: sudo apt-get install graphviz   (macOS: brew install graphviz)"
fi
exit 0
