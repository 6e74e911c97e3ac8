#!/usr/bin/env bash
# check_snippets.sh PAGE SOURCE
#
# Each code block in PAGE that follows a line "<!-- snippet: NAME -->" must be
# exactly the lines between "// [snippet: NAME]" and "// [/snippet]" in
# SOURCE (a compiled, tested program), with the common indentation removed.
set -euo pipefail
page=$1
source=$2
failures=0
names=$(sed -n 's/^<!-- snippet: \([a-z_]*\) -->$/\1/p' "$page")
[ -n "$names" ] || { echo "no snippets in $page"; exit 1; }
dedent() { awk '{ lines[NR] = $0; if ($0 ~ /[^ ]/) { match($0, /^ */); if (min == "" || RLENGTH < min) min = RLENGTH } }
                END { for (i = 1; i <= NR; i++) print substr(lines[i], min + 1) }'; }
for name in $names; do
  from_source=$(awk -v n="$name" '$0 ~ "// \\[snippet: " n "\\]" { on = 1; next } on && /\/\/ \[\/snippet\]/ { on = 0 } on' "$source" | dedent)
  from_page=$(awk -v n="$name" '$0 == "<!-- snippet: " n " -->" { want = 1; next } want && /^```/ { if (on) { exit } on = 1; next } on' "$page")
  if [ -z "$from_source" ]; then
    echo "FAILED: snippet '$name' is not in $source"
    failures=$((failures + 1))
  elif [ "$from_source" != "$from_page" ]; then
    echo "FAILED: snippet '$name' differs between the page and the program:"
    diff <(echo "$from_page") <(echo "$from_source") | sed 's/^/    /' || true
    failures=$((failures + 1))
  else
    echo "ok: $name"
  fi
done
[ "$failures" -eq 0 ] || exit 1
