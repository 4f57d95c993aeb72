#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Fails when a C file differs from what the project's .clang-format makes of it.
# Usage: check-format.sh SOURCE_DIR  (fix with: clang-format -i FILE...)
set -eu

cd "$1"
files=$(git ls-files --cached --others --exclude-standard '*.c' '*.h' 2>/dev/null || find src tests -name '*.c' -o -name '*.h')
# shellcheck disable=SC2086
clang-format --dry-run --Werror $files
echo "$(echo "$files" | wc -w) files follow .clang-format"
