#!/usr/bin/env python3
"""Summarizes several rsm_bench JSON outputs: median and range per benchmark.

usage: bench/summarize.py run1.json run2.json run3.json
Times are real time per iteration in microseconds; counters as reported.
"""
import json
import statistics
import sys


def load(path):
    with open(path) as f:
        return {b["name"]: b for b in json.load(f)["benchmarks"] if b.get("run_type") == "iteration"}


def us(b):
    scale = {"ns": 1e-3, "us": 1.0, "ms": 1e3, "s": 1e6}[b.get("time_unit", "ns")]
    return b["real_time"] * scale


def fmt(vals, digits=1):
    vals = [v for v in vals if v is not None]
    if not vals:
        return "-"
    m = statistics.median(vals)
    return f"{m:,.{digits}f} [{min(vals):,.{digits}f} .. {max(vals):,.{digits}f}]"


runs = [load(p) for p in sys.argv[1:]]
names = []
for r in runs:
    for n in r:
        if n not in names:
            names.append(n)

keys = ["p50_us", "p99_us", "mount_p50_us", "dismount_p50_us", "info_p50_us", "ping_p50_us",
        "nosession_p50_us", "ratio_p50", "items_per_second", "open_p50_us", "close_p50_us"]
print(f"{len(runs)} runs; median [min .. max]\n")
print(f"| benchmark | real time/iter (us) | " + " | ".join(keys) + " |")
print("|---|---|" + "---|" * len(keys))
for n in names:
    bs = [r.get(n) for r in runs]
    bs = [b for b in bs if b and not b.get("error_occurred")]
    if not bs:
        continue
    cells = [fmt([us(b) for b in bs])]
    for k in keys:
        cells.append(fmt([b.get(k) for b in bs]) if any(k in b for b in bs) else "")
    print(f"| {n} | " + " | ".join(cells) + " |")


def ratio(a, b):
    out = []
    for r in runs:
        if a in r and b in r:
            out.append(us(r[a]) / us(r[b]))
    return out


print()
print("GetObjectInfo / BarePing (mean real time, per run):", fmt(ratio("BM_GetObjectInfo/real_time", "BM_BarePing/real_time"), 2))
print("GetObjectInfo / BarePing/again (per run):          ", fmt(ratio("BM_GetObjectInfo/real_time", "BM_BarePing/again/real_time"), 2))
print("GetObjectInfoW / BarePing (per run):               ", fmt(ratio("BM_GetObjectInfoW/real_time", "BM_BarePing/real_time"), 2))
print("Interleaved p50 ratio (per run):                   ",
      fmt([r["BM_InterleavedInfoVsPing/real_time"].get("ratio_p50") for r in runs if "BM_InterleavedInfoVsPing/real_time" in r], 2))
print("p50 GetObjectInfo / p50 BarePing (per run):        ",
      fmt([r["BM_GetObjectInfo/real_time"]["p50_us"] / r["BM_BarePing/real_time"]["p50_us"]
           for r in runs if "BM_GetObjectInfo/real_time" in r and "BM_BarePing/real_time" in r], 2))

# tgt_bench.cc (issue 4): rsmd against the raw SCSI commands on vtl.sh's tgtd, same run.
tgt_keys = ["raw_p50_us", "raw_p90_us", "rsmd_p50_us", "rsmd_p90_us", "ping_p50_us", "ping_p90_us",
            "mount_p50_us", "dismount_p50_us", "raw4_p50_us", "ratio_p50", "ratio_p90",
            "net_ratio_p50", "net_ratio_p90"]
tgt = [n for n in names if n.startswith("BM_Tgt")]
if tgt:
    print()
    print("| tgt benchmark | " + " | ".join(tgt_keys) + " |")
    print("|---|" + "---|" * len(tgt_keys))
    for n in tgt:
        bs = [b for b in (r.get(n) for r in runs) if b and not b.get("error_occurred")]
        if not bs:
            continue
        cells = [fmt([b.get(k) for b in bs], 2 if "ratio" in k else 0) if any(k in b for b in bs) else ""
                 for k in tgt_keys]
        print(f"| {n.split('/iterations')[0]} | " + " | ".join(cells) + " |")
