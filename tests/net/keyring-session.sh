#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs a command with a real Secret Service: a private D-Bus session with GNOME Keyring,
# unlocked with a throwaway password, in a temporary home.
set -eu

home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
export HOME="$home"
export XDG_DATA_HOME="$home/.local/share"
export XDG_CONFIG_HOME="$home/.config"
export XDG_CACHE_HOME="$home/.cache"
export XDG_RUNTIME_DIR="$home/runtime"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME"
mkdir -m 700 "$XDG_RUNTIME_DIR"

# An empty unlock password does not create a usable keyring, hence "pw".
exec dbus-run-session -- sh -c '
  printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  gnome-keyring-daemon --start --components=secrets >/dev/null
  exec "$@"' keyring-session "$@"
