#!/bin/sh
# Is po/LANG.po complete against today's sources? Extracts the strings as
# the build does (glib preset), merges them into a copy of the
# translation and fails on any untranslated or fuzzy entry.
#   check-complete.sh SOURCE_ROOT LANG
set -eu
root=$1
lang=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$root"
xgettext --from-code=UTF-8 --add-comments \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
  --files-from=po/POTFILES --output="$tmp/messages.pot"
msgmerge --quiet --no-fuzzy-matching "po/$lang.po" "$tmp/messages.pot" --output-file="$tmp/$lang.po"
stats=$(msgfmt --check --statistics --output-file=/dev/null "$tmp/$lang.po" 2>&1)
echo "$stats"
case "$stats" in
  *untranslated*|*fuzzy*)
    echo "po/$lang.po misses translations: ninja sandlock-update-po, then translate" >&2
    exit 1 ;;
esac
