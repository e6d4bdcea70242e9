#!/usr/bin/env bash
# Install the system packages rpa_scout uses where the machine allows (root or
# password-less sudo): Graphviz's `dot` for pictures, and Debian's `chromium` for the
# test that looks at the HTML report in a browser. Otherwise say what to do. Never
# fails the build: without `dot`, rpa_scout still writes DOT files and says how to
# install Graphviz; without either, the tests that need them skip with the reason.
set -u
need=()
command -v dot >/dev/null 2>&1 || need+=(graphviz)
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
  need+=(chromium)
fi
if [ "${#need[@]}" -eq 0 ]; then
  exit 0
fi
if command -v apt-get >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; fi
  fi
  if [ "$(id -u)" -eq 0 ] || [ -n "$SUDO" ]; then
    echo "installing ${need[*]} (apt-get install) ..."
    $SUDO apt-get update -qq >/dev/null 2>&1
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null 2>&1
  fi
fi
if ! command -v dot >/dev/null 2>&1; then
  echo "note: Graphviz's 'dot' is not installed, so SVG/PNG pictures are skipped (DOT files are still written)."
  echo "      install it with: sudo apt-get install graphviz   (macOS: brew install graphviz)"
fi
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
  echo "note: Chromium is not installed, so the test that renders the HTML report in a browser is skipped."
  echo "      install it with: sudo apt-get install chromium"
fi
exit 0
