#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Starts the installed-style binary as the desktop would, in a fresh home, and checks that a
# window titled "Cousinade" appears. Usage: launch.sh /path/to/cousinade
set -eu

app="$1"
home=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$home"' EXIT

HOME="$home" XDG_DATA_HOME="$home/.local/share" XDG_CONFIG_HOME="$home/.config" \
  "$app" &
pid=$!

for _ in $(seq 1 100); do
  if xwininfo -root -tree | grep -q '"Cousinade"'; then
    echo "A window titled Cousinade is shown"
    if [ -n "${CS_SCREENSHOT_DIR:-}" ]; then
      mkdir -p "$CS_SCREENSHOT_DIR"
      sleep 1
      import -window root "$CS_SCREENSHOT_DIR/launch.png"
    fi
    kill -0 "$pid"
    exit 0
  fi
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "cousinade exited before showing a window" >&2
    exit 1
  fi
  sleep 0.2
done

echo "No window titled Cousinade after 20 seconds" >&2
xwininfo -root -tree >&2
exit 1
