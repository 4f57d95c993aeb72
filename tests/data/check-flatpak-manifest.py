#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Flatpak manifest gives a call what it needs and nothing more, on a supported runtime.

Usage: check-flatpak-manifest.py FLATPAK_BUILDER MANIFEST

flatpak-builder --show-manifest parses the manifest as Flatpak would (its sources are never
fetched here); then the permissions are compared with the exact list a call needs:
- network and ipc: XMPP, calls and X11's shared memory;
- wayland, with X11 only as a fallback; dri for drawing;
- pulseaudio: hearing and being heard (PipeWire serves this socket too);
- nothing for the camera or the screen: the Camera and ScreenCast portals hand over a PipeWire
  remote of their own (an fd), so neither --device=all nor the PipeWire socket is needed.
"""

import json
import subprocess
import sys

EXPECTED_FINISH_ARGS = [
    "--share=network",
    "--share=ipc",
    "--socket=wayland",
    "--socket=fallback-x11",
    "--device=dri",
    "--socket=pulseaudio",
]
# GNOME 49 and older are end of life: Flatpak warns everyone who installs the app.
OLDEST_SUPPORTED_GNOME = 50
# Shipped by the GNOME 50 runtime (gnome-build-meta's sdk-platform and the freedesktop SDK's
# platform it includes): building them again would only shadow the runtime's.
SHIPPED_BY_RUNTIME = {"libnice", "libportal", "libsecret", "json-glib", "gstreamer",
                      "webrtc-audio-processing", "pipewire"}
# What the runtime lacks and the app links.
NEEDED_MODULES = {"libstrophe", "libical", "libqrencode", "evolution-data-server",
                  "libcanberra", "gsound", "cousinade"}


def main():
    builder, path = sys.argv[1], sys.argv[2]
    shown = subprocess.run([builder, "--show-manifest", path], check=True,
                           capture_output=True, text=True).stdout
    manifest = json.loads(shown)
    failures = []

    if manifest.get("runtime") != "org.gnome.Platform" or manifest.get("sdk") != "org.gnome.Sdk":
        failures.append("runtime and SDK must be GNOME's")
    version = manifest.get("runtime-version", "")
    if not version.isdigit() or int(version) < OLDEST_SUPPORTED_GNOME:
        failures.append(f"runtime-version {version!r}: GNOME {OLDEST_SUPPORTED_GNOME} or newer")

    finish_args = manifest.get("finish-args", [])
    if finish_args != EXPECTED_FINISH_ARGS:
        failures.append(f"finish-args {finish_args}, expected exactly {EXPECTED_FINISH_ARGS}")

    names = {module["name"] for module in manifest.get("modules", []) if isinstance(module, dict)}
    for name in sorted(names & SHIPPED_BY_RUNTIME):
        failures.append(f"module {name} is in the runtime already")
    for name in sorted(NEEDED_MODULES - names):
        failures.append(f"module {name} is missing")

    for failure in failures:
        print(f"not ok: {failure}")
    print(f"{len(EXPECTED_FINISH_ARGS)} permissions, {len(names)} modules checked")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
