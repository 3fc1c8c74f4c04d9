#!/bin/sh
# Splits tests/fuzz/seeds/NAME.txt (one real-format line each) into the
# committed seed corpus tests/fuzz/corpus/NAME/, one file a line. The
# reader target takes the whole file as one input.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
for f in "$here"/seeds/*.txt; do
	name=$(basename "$f" .txt)
	dir="$here/corpus/$name"
	mkdir -p "$dir"
	if [ "$name" = reader ]; then
		cp "$f" "$dir/seed-all"
		continue
	fi
	i=0
	while IFS= read -r line || [ -n "$line" ]; do
		i=$((i + 1))
		printf '%s' "$line" > "$dir/seed-$(printf %03d $i)"
	done < "$f"
done
