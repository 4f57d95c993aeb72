#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs a command as a fresh user would: a temporary home, a private D-Bus session and its own
# virtual X display, so UI tests drive a real window without touching anybody's desktop or data.
set -eu

home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
export HOME="$home"
export XDG_DATA_HOME="$home/.local/share"
export XDG_CONFIG_HOME="$home/.config"
export XDG_CACHE_HOME="$home/.cache"
export XDG_STATE_HOME="$home/.local/state"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_STATE_HOME"

dbus-run-session -- xvfb-run --auto-servernum \
  --server-args="-screen 0 1280x1024x24 -nolisten tcp" "$@"
