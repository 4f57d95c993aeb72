#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The two commands of the README's quick start, for a Debian 12 machine:
#   build-aux/dev.sh run    install what is missing, build, and launch Cousinade
#   build-aux/dev.sh test   install what is missing, build, and run the whole test suite
# And, for a newcomer who wants to see a call on one machine (as root, from a graphical session):
#   build-aux/dev.sh demo   a Prosody of its own, two cousinade-bot in a circle's call, and
#                           Cousinade signed in as a third member in a fresh profile
# Both can be run again and again: they install nothing that is already there, and ninja
# rebuilds only what changed.
set -eu

cd "$(dirname "$0")/.."

build_packages="meson ninja-build pkg-config gcc libc6-dev libglib2.0-dev libglib2.0-bin
  libgtk-4-dev libadwaita-1-dev libsqlite3-dev libstrophe-dev libsecret-1-dev
  libqrencode-dev libical-dev libebook-contacts1.2-dev gettext appstream
  desktop-file-utils libjson-glib-dev libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev
  libgstreamer-plugins-bad1.0-dev gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-plugins-bad gstreamer1.0-nice gstreamer1.0-pipewire libportal-gtk4-dev
  libgsound-dev sound-theme-freedesktop"
test_packages="xvfb xauth dbus x11-utils imagemagick clang-format flatpak-builder
  prosody openssl glib-networking ca-certificates gnome-keyring profanity tmux
  iproute2 iptables coturn"

install_missing () {
  missing=""
  for package in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
      missing="$missing $package"
    fi
  done
  [ -z "$missing" ] && return 0

  echo "Installing:$missing"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
  fi
  $sudo apt-get update
  # shellcheck disable=SC2086 # the package list is split on purpose
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y $missing
}

build () {
  if [ ! -f build/build.ninja ]; then
    meson setup build
  fi
  meson compile -C build
}

case "${1:-}" in
  run)
    # shellcheck disable=SC2086
    install_missing $build_packages
    build
    exec meson devenv -C build "$PWD/build/src/cousinade"
    ;;
  test)
    # shellcheck disable=SC2086
    install_missing $build_packages $test_packages
    build
    status=0
    meson test -C build --print-errorlogs || status=$?
    # One closing line that any reader of the log understands.
    python3 - build/meson-logs/testlog.json <<'PY'
import json, sys
results = [json.loads(line)["result"] for line in open(sys.argv[1])]
passed = sum(r in ("OK", "EXPECTEDFAIL") for r in results)
skipped = sum(r == "SKIP" for r in results)
print(f"Summary: {passed} passed, {len(results) - passed - skipped} failed, {skipped} skipped")
PY
    exit "$status"
    ;;
  demo)
    if [ "$(id -u)" -ne 0 ]; then
      echo "The demo gives each participant a network namespace of its own: run it as root," >&2
      echo "keeping your display: sudo --preserve-env=DISPLAY,XAUTHORITY $0 demo" >&2
      exit 1
    fi
    if [ -z "${DISPLAY:-}" ]; then
      echo "No display: run the demo from a graphical session (DISPLAY is not set)." >&2
      exit 1
    fi
    # shellcheck disable=SC2086
    install_missing $build_packages $test_packages
    build
    # Everything it started (servers, namespaces, bots, the app's private session) goes when
    # the app quits, or on Ctrl+C.
    exec meson devenv -C build env CS_UI_SESSION="$PWD/tests/ui/ui-session.sh" \
      GSETTINGS_BACKEND=memory GDK_BACKEND=x11 \
      "$PWD/build/tests/ui/test-call-ui" -p /ui/call/demo
    ;;
  *)
    echo "Usage: $0 run|test|demo" >&2
    exit 2
    ;;
esac
