#!/bin/bash
# A file-heavy job (edit, create, delete and rename many small files in an
# existing tree, then archive it) bare, in a sandbox writing directly, and
# in a sandbox on a copy-on-write workdir, its changes dropped (--on-exit
# abort) or committed (the default), with the layer on disk (beside the
# tree, on its filesystem: a commit moves the layer's files in) and on
# tmpfs (--fs-storage under /dev/shm: a commit copies them).
# Interleaved rounds; prints medians (and the spread) and ratios against
# the bare job measured in the same rounds, the filesystems used and the
# machine's load: on a shared machine the spread is real, compare runs.
#   cow.sh SANDLOCK        (ROUNDS=5 FILES=2000 by default; TMPDIR picks
#                           the disk filesystem; KINDS="bare commit" runs
#                           only those: keep bare, the baseline)
# On ext4 without a journal, files made in a block group where thousands
# were removed in the last minutes cost more (recently_deleted()): the
# kinds change each other's figures there, as removed layers and trees
# leave such groups behind. KINDS="bare commit" measures a commit without
# the others.
set -eu
sandlock=$1
rounds=${ROUNDS:-5}
files=${FILES:-2000}

work=$(mktemp -d)
mem=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
trap 'rm -rf "$work" "$mem"' EXIT

# What a directory's filesystem is: type, mount options, and for ext4
# whether it has a journal (without one, making a file costs more the more
# files its block group freed in the last minutes).
describe_fs() {
  local source fstype options dev journal=""
  read -r source fstype options < <(findmnt -no SOURCE,FSTYPE,OPTIONS -T "$1")
  if [ "$fstype" = ext4 ]; then
    dev=$(basename "$source")
    if [ -r "/sys/fs/ext4/$dev/journal_task" ]; then
      [ "$(cat "/sys/fs/ext4/$dev/journal_task")" = "<none>" ] && journal=", no journal" \
        || journal=", journal"
    fi
  fi
  echo "$fstype$journal ($source: $options)"
}

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
    commit) "$sandlock" run "${ro[@]}" --workdir "$tree" --fs-storage "$work/storage" \
              -- /bin/sh "$work/job.sh" "$tree" ;;
    cow-mem) "$sandlock" run "${ro[@]}" --workdir "$tree" --fs-storage "$mem/storage" \
              --on-exit abort -- /bin/sh "$work/job.sh" "$tree" ;;
    commit-mem) "$sandlock" run "${ro[@]}" --workdir "$tree" --fs-storage "$mem/storage" \
              -- /bin/sh "$work/job.sh" "$tree" ;;
  esac
  end=$(now)
  echo $((end - start))
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A times
read -r -a kinds <<< "${KINDS:-bare direct cow commit cow-mem commit-mem}"
for _ in $(seq "$rounds"); do
  for kind in "${kinds[@]}"; do
    times[$kind]+="$(run_round "$kind") "
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

sorted() { tr ' ' '\n' | grep . | sort -n; }
median() { sorted | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
base=$(echo "${times[bare]}" | median)
echo "copy-on-write workdir: $files files, $rounds interleaved rounds (median, min-max)"
echo "  tree and disk layer: $work: $(describe_fs "$work")"
echo "  tmpfs layer:         $mem: $(describe_fs "$mem")"
echo "  load average: $load_before before, $load_after after, $(nproc) CPUs"
for kind in "${kinds[@]}"; do
  m=$(echo "${times[$kind]}" | median)
  lo=$(echo "${times[$kind]}" | sorted | head -1)
  hi=$(echo "${times[$kind]}" | sorted | tail -1)
  awk -v k="$kind" -v m="$m" -v b="$base" -v lo="$lo" -v hi="$hi" \
    'BEGIN { printf "  %-10s %8.1f ms  %5.1f%% of bare  (%.0f-%.0f ms)\n", k, m / 1e6, 100 * m / b, lo / 1e6, hi / 1e6 }'
done
