#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Fails when a translatable string is missing from po/POTFILES.in or from a translation:
# our first users are French families, so the French translation is always complete.
# Usage: check-translations.sh SOURCE_DIR
set -eu

cd "$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

status=0
for file in $(grep -rlE '[^a-z_]N?_ ?\(|translatable="yes"' src data \
                --include='*.c' --include='*.ui' --include='*.in' --include='*.xml'); do
  if ! grep -qx "$file" po/POTFILES.in; then
    echo "$file has translatable strings but is not listed in po/POTFILES.in"
    status=1
  fi
done

xgettext --files-from=po/POTFILES.in --from-code=UTF-8 --add-comments=Translators \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 --keyword=g_dngettext:2,3 \
  --package-name=cousinade -o "$tmp/cousinade.pot"

for lang in $(grep -v '^#' po/LINGUAS); do
  msgmerge --quiet --no-fuzzy-matching "po/$lang.po" "$tmp/cousinade.pot" -o "$tmp/$lang.po"
  stats=$(msgfmt --check --statistics -o /dev/null "$tmp/$lang.po" 2>&1)
  echo "$lang: $stats"
  case "$stats" in
    *untranslated* | *fuzzy*)
      echo "po/$lang.po is not complete; untranslated strings:"
      msgattrib --untranslated --no-obsolete "$tmp/$lang.po" | grep -A1 '^msgid' | head -40
      status=1
      ;;
  esac
done

exit "$status"
