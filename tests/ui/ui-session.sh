#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs a command as a fresh user would: a temporary home, a private D-Bus session and its own
# virtual X display, so UI tests drive a real window without touching anybody's desktop or data.
set -eu

home=$(mktemp -d)
xvfb_pid=""
trap '[ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null; rm -rf "$home"' EXIT
export HOME="$home"
export XDG_DATA_HOME="$home/.local/share"
export XDG_CONFIG_HOME="$home/.config"
export XDG_CACHE_HOME="$home/.cache"
export XDG_STATE_HOME="$home/.local/state"
export XDG_RUNTIME_DIR="$home/runtime"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_STATE_HOME"
mkdir -m 700 "$XDG_RUNTIME_DIR" "$home/dbus-services"

# The session bus may start the accessibility bus, nothing else: desktop portals started here
# would mount a document store inside the temporary home and outlive the test.
for service in /usr/share/dbus-1/services/org.a11y.*.service; do
  [ -e "$service" ] && ln -s "$service" "$home/dbus-services/"
done
cat > "$home/dbus-session.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=$home</listen>
  <auth>EXTERNAL</auth>
  <servicedir>$home/dbus-services</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
CONF

# CS_UI_SESSION_DISPLAY=keep (build-aux/dev.sh demo) shows the app on the caller's own display;
# otherwise Xvfb picks a free display itself and says which (-displayfd): tests running side
# by side never race for the same one, as xvfb-run --auto-servernum can.
if [ "${CS_UI_SESSION_DISPLAY:-}" != keep ]; then
  Xvfb -displayfd 3 -screen 0 1280x1024x24 -nolisten tcp 3>"$home/display" 2>"$home/xvfb.log" &
  xvfb_pid=$!
  for _ in $(seq 1 100); do
    [ -s "$home/display" ] && break
    sleep 0.1
  done
  if [ ! -s "$home/display" ]; then
    echo "Xvfb did not start:" >&2
    cat "$home/xvfb.log" >&2
    exit 1
  fi
  DISPLAY=":$(cat "$home/display")"
  export DISPLAY
fi

# GNOME Keyring provides the Secret Service for account passwords; an empty unlock password
# would not create a usable keyring.
dbus-run-session --config-file="$home/dbus-session.conf" -- sh -c '
  printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  gnome-keyring-daemon --start --components=secrets >/dev/null
  exec "$@"
' ui-session "$@"
