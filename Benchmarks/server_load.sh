#!/usr/bin/env bash
# Load test of `kiln serve` on loopback (docs/benchmarks.md, "Server load"): wrk reads of the health
# check, a candidate page and a CIF at a fixed concurrency, then the same candidate reads while
# SUBMISSIONS tiny campaigns are submitted at once and followed to the end by SSE. Needs wrk
# (apt-get install wrk) and a release build (swift build -c release --product kiln).
# Usage: Benchmarks/server_load.sh [CONNECTIONS=32] [SECONDS=20] [SUBMISSIONS=16]
set -euo pipefail
cd "$(dirname "$0")/.."
connections=${1:-32}; seconds=${2:-20}; submissions=${3:-16}
kiln=$(swift build -c release --show-bin-path)/kiln
data=$(mktemp -d); port=18199
export KILN_TOKEN=load-test-token-0123456789
"$kiln" serve --data "$data" --port $port >"$data/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$data"' EXIT
base=http://127.0.0.1:$port/api
for _ in $(seq 50); do curl -sf $base/health >/dev/null && break; sleep 0.2; done
curl -sf -X POST -H "Authorization: Bearer $KILN_TOKEN" --data-binary @Examples/tiny.toml $base/campaigns >/dev/null
curl -sfN $base/campaigns/c00001/events >/dev/null
candidate=$(curl -sf "$base/campaigns/c00001/candidates?ranked=true&limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["candidates"][0]["id"])')
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2) × $(nproc); wrk -t2 -c$connections -d${seconds}s"
for path in health "campaigns/c00001/candidates?limit=50" "campaigns/c00001/candidates/$candidate/structure"; do
    echo "== GET /api/$path"
    wrk -t2 -c"$connections" -d"${seconds}s" --latency "$base/$path" | grep -E "Requests/sec|Latency Distribution|50%|90%|99%|Non-2xx|Socket errors|requests in"
done
echo "== GET candidates while $submissions campaigns are submitted at once and followed by SSE"
wrk -t2 -c"$connections" -d"${seconds}s" --latency "$base/campaigns/c00001/candidates?limit=50" \
    | grep -E "Requests/sec|50%|90%|99%|Non-2xx|Socket errors|requests in" &
reads=$!
python3 - "$base" "$submissions" <<'PY'
import json, os, sys, threading, time, urllib.request
base, n = sys.argv[1], int(sys.argv[2])
tiny = open("Examples/tiny.toml", "rb").read()
token = os.environ["KILN_TOKEN"]
results, lock = [], threading.Lock()
def one():
    t0 = time.time()
    try:
        req = urllib.request.Request(base + "/campaigns", data=tiny, method="POST", headers={"Authorization": "Bearer " + token})
        with urllib.request.urlopen(req) as r:
            assert r.status == 201
            cid = json.load(r)["id"]
        submitted = time.time() - t0
        with urllib.request.urlopen(base + f"/campaigns/{cid}/events", timeout=600) as r:
            events = r.read().decode()
        ok = '"state":"finished"' in events
        with lock: results.append((ok, submitted, time.time() - t0))
    except Exception as e:
        with lock: results.append((False, 0, str(e)))
threads = [threading.Thread(target=one) for _ in range(n)]
t0 = time.time()
for t in threads: t.start()
for t in threads: t.join()
ok = [r for r in results if r[0]]
subs = sorted(r[1] for r in ok)
print(f"submissions: {len(ok)}/{n} finished, errors {n - len(ok)}; submit latency median {subs[len(subs)//2]*1000:.1f} ms, "
      f"max {subs[-1]*1000:.1f} ms; all {n} campaigns done in {time.time() - t0:.1f} s")
PY
wait $reads
