#!/bin/bash
# A file-heavy job (edit, create, delete and rename many small files in an
# existing tree, then archive it) bare, in a sandbox writing directly, and
# in a sandbox on a copy-on-write workdir (changes dropped, and committed).
# Layers on disk (the default storage is $XDG_STATE_HOME) and on tmpfs
# (--fs-storage under /dev/shm): on disk every first write to a file is a
# file creation in the layer, which costs what creating a file costs there.
# Interleaved rounds; prints medians and ratios against bare.
#   cow.sh SANDLOCK
set -eu
sandlock=$1
rounds=${ROUNDS:-5}
files=${FILES:-2000}

work=$(mktemp -d)
mem=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
trap 'rm -rf "$work" "$mem"' EXIT

# The tree every round starts from: $files files of 1-4 KiB in 20 directories.
seed="$work/seed"
mkdir -p "$seed"
for d in $(seq 1 20); do
  mkdir "$seed/d$d"
  for f in $(seq 1 $((files / 20))); do
    head -c $(( (f % 4 + 1) * 1024 )) /dev/zero > "$seed/d$d/f$f"
  done
done

cat > "$work/job.sh" <<'EOF'
set -e
cd "$1"
for d in d*; do
  for f in "$d"/f*[02468]; do echo edit >> "$f"; done
  for f in "$d"/f*5; do rm "$f"; done
  for f in "$d"/f*3; do mv "$f" "$f.moved"; done
  mkdir "$d/new"
  for i in $(seq 1 20); do echo new > "$d/new/n$i"; done
done
tar cf archive.tar d*
EOF

ro=(-r /usr -r /lib -r /lib64 -r /bin -r "$work/job.sh")
now() { date +%s%N; }

run_round() {   # kind -> prints nanoseconds
  local tree="$work/tree-$1" start end
  rm -rf "$tree"
  cp -a "$seed" "$tree"
  sync
  start=$(now)
  case $1 in
    bare)   sh "$work/job.sh" "$tree" ;;
    direct) "$sandlock" run "${ro[@]}" -w "$tree" -- /bin/sh "$work/job.sh" "$tree" ;;
    cow)    "$sandlock" run "${ro[@]}" --workdir "$tree" --fs-storage "$work/storage" \
              --on-exit abort -- /bin/sh "$work/job.sh" "$tree" ;;
    cow-mem) "$sandlock" run "${ro[@]}" --workdir "$tree" --fs-storage "$mem" \
              --on-exit abort -- /bin/sh "$work/job.sh" "$tree" ;;
    commit) "$sandlock" run "${ro[@]}" --workdir "$tree" --fs-storage "$work/storage" \
              -- /bin/sh "$work/job.sh" "$tree" ;;
  esac
  end=$(now)
  echo $((end - start))
}

declare -A times
kinds=(bare direct cow cow-mem commit)
for _ in $(seq "$rounds"); do
  for kind in "${kinds[@]}"; do
    times[$kind]+="$(run_round "$kind") "
  done
done

median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
base=$(echo "${times[bare]}" | median)
echo "copy-on-write workdir: $files files, $rounds interleaved rounds (median)"
for kind in "${kinds[@]}"; do
  m=$(echo "${times[$kind]}" | median)
  awk -v k="$kind" -v m="$m" -v b="$base" \
    'BEGIN { printf "  %-7s %8.1f ms  %5.1f%% of bare\n", k, m / 1e6, 100 * m / b }'
done
