#!/usr/bin/env bash
# Install the system packages rpa_scout uses where the machine allows (root or
# password-less sudo): Graphviz's `dot` for pictures, Debian's `chromium` for the
# test that looks at the HTML report in a browser, and Java for `compare --engine spark`
# (its tests run Spark in local mode). Otherwise say what to do. Never
# fails the build: without `dot`, rpa_scout still writes DOT files and says how to
# install Graphviz; without any of them, the tests that need it skip with the reason.
set -u
need=()
command -v dot >/dev/null 2>&1 || need+=(graphviz)
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
  need+=(chromium)
fi
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
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
if ! command -v java >/dev/null 2>&1; then
  echo "note: Java is not installed, so compare --engine spark cannot run here and its tests are skipped."
  echo "      install it with: sudo apt-get install default-jre-headless"
fi
exit 0
