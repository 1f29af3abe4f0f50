#!/bin/bash
# Redis throughput inside a sandbox (port remap on) against bare redis,
# redis-benchmark from outside, interleaved; prints the ratios. Installs
# redis from Debian when it can, and skips (exit 77) when it cannot.
#   redis.sh SANDLOCK
set -u
sandlock=$1
rounds=${ROUNDS:-3}
requests=${REQUESTS:-100000}

if ! command -v redis-server >/dev/null || ! command -v redis-benchmark >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q redis-server redis-tools >/dev/null 2>&1
  fi
  if ! command -v redis-server >/dev/null || ! command -v redis-benchmark >/dev/null; then
    echo "redis benchmark: skipped (redis-server and redis-benchmark are not installed)"
    exit 77
  fi
fi

work=$(mktemp -d)
trap 'kill $bare $boxed 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
bare_port=$(free_port)
boxed_port=$(free_port)
server_args=(--save "" --appendonly no --bind 127.0.0.1 --protected-mode no)

redis-server --port "$bare_port" --dir "$work" "${server_args[@]}" >/dev/null &
bare=$!
"$sandlock" run --port-remap --net-bind "$boxed_port" -r /usr -r /lib -r /lib64 -r /etc \
  -w "$work" -- redis-server --port "$boxed_port" --dir "$work" "${server_args[@]}" >/dev/null &
boxed=$!

for port in "$bare_port" "$boxed_port"; do
  for _ in $(seq 100); do
    redis-cli -p "$port" ping >/dev/null 2>&1 && break
    sleep 0.05
  done
done

rps() {  # port test -> requests per second
  redis-benchmark -p "$1" -t "$2" -n "$requests" -q 2>/dev/null |
    sed -n 's/.*: \([0-9.]*\) requests per second.*/\1/p' | tail -n 1
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

for test in set get; do
  bare_runs=() boxed_runs=()
  for _ in $(seq "$rounds"); do
    bare_runs+=("$(rps "$bare_port" "$test")")
    boxed_runs+=("$(rps "$boxed_port" "$test")")
  done
  b=$(printf '%s\n' "${bare_runs[@]}" | median)
  s=$(printf '%s\n' "${boxed_runs[@]}" | median)
  awk -v t="$test" -v b="$b" -v s="$s" 'BEGIN {
    printf "redis %s: bare %.0f rps, sandboxed %.0f rps: %.1f%% of bare (target: 99%% or better)\n",
           toupper(t), b, s, (b > 0 ? 100 * s / b : 0) }'
done
