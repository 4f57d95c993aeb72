#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# How often a connected, idle XMPP client wakes up, measured over 30 s against a Prosody of
# its own on loopback. Prints one JSON line. Not part of the pass/fail suite.
# Usage: tests/bench/idle-wakeups.sh [BUILD_DIR]
set -eu

build=${1:-build}
CS_IDLE_SECONDS=${CS_IDLE_SECONDS:-30} "$build/tests/net/test-xmpp-client" \
  -p /xmpp-client/idle-wakeups 2>/dev/null | grep '^{'
