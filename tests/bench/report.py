#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the records of tests/bench/guest.sh into the results of `make bench`.

    report.py --out DIR [--command CMD] [--seconds N] [--commit ID] RAW.jsonl

RAW.jsonl holds the guest's "BENCH" records, one JSON object a line. Writes
into DIR: results.json (every record with its derived figures, medians,
ranges, ratios, scale figures, goals), table.md (the markdown tables) and
chart-MEDIUM.dat (IOPS relative to the file, for tests/bench/chart.gp).
Python standard library only.
"""

import argparse
import datetime
import json
import os
import statistics
import sys

TARGETS = ["file", "loop", "loop-dio", "vfsblk", "vfsblk-dio"]
# Targets a run has only when asked for (guest.sh --targets), after those
# in the tables, with their ratio to the file; not in the chart.
EXTRA_TARGETS = ["nullblk"]
MEDIA = {"ram": "ext4 on a RAM disk (brd)", "virtio": "ext4 on a virtio disk"}
# Jobs whose figure is a bandwidth (MB/s); the others are IOPS.
BANDWIDTH_JOBS = ("seqread-128k-qd8", "seqwrite-128k-qd8")
# The jobs the CPU goal is about (4k).
FOUR_K = "-4k"


def median(values):
    return statistics.median(values) if values else None


def derive(rec, hz, min_window):
    """Figures of one run: IOPS, MB/s, latencies in us, CPU us and context
    switches per I/O over the sampled window."""
    fio = rec.get("fio") or {}
    iops = (fio.get("read_iops") or 0) + (fio.get("write_iops") or 0)
    mbps = ((fio.get("read_bw") or 0) + (fio.get("write_bw") or 0)) / 1e6
    d = {"iops": iops, "mbps": mbps}
    # Latency of the reads, or of the writes in a write-only job: from
    # the submission to the completion (lat, in the jobs that ask fio for
    # its percentiles), and from the end of the submission call to the
    # completion (clat). A request served inside io_submit() has all its
    # time in the submission: its clat is only the reaping.
    side = "read" if (fio.get("read_iops") or 0) > 0 else "write"
    for kind in ("lat", "clat"):
        for p in ("p50", "p99"):
            v = fio.get(f"{side}_{kind}_{p}_ns")
            d[f"{kind}_{p}_us"] = v / 1000 if v else None
    st = rec.get("stat")
    # A window much shorter than asked for (the sampler woke late) says
    # little: left out.
    if st and st.get("seconds", 0) < min_window:
        st = None
    if st and iops > 0 and st.get("seconds", 0) > 0:
        ios = iops * st["seconds"]
        d["cpu_us_per_io"] = st["busy_ticks"] / hz * 1e6 / ios
        d["ctxt_per_io"] = st["ctxt"] / ios
        d["cpu_busy_fraction"] = (st["busy_ticks"] / st["total_ticks"]
                                  if st.get("total_ticks") else None)
    else:
        d["cpu_us_per_io"] = d["ctxt_per_io"] = d["cpu_busy_fraction"] = None
    return d


def fmt(v, digits=None):
    if v is None:
        return "-"
    if digits is None:
        a = abs(v)
        digits = 0 if a >= 100 else 1 if a >= 10 else 2
    return f"{v:.{digits}f}"


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--command", default="make bench")
    ap.add_argument("--seconds", type=int, default=None)
    ap.add_argument("--commit", default="unknown")
    ap.add_argument("raw")
    args = ap.parse_args()

    env, runs, scale, media_missing, targets = {}, [], [], {}, {}
    # (medium, job, target) -> the vfsblk device's request counters over
    # all the job's runs on it.
    counters = {}
    with open(args.raw, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                print(f"report.py: skipping a garbled record: {line[:80]}",
                      file=sys.stderr)
                continue
            kind = rec.get("kind")
            if kind == "env":
                env = rec
            elif kind == "run":
                runs.append(rec)
            elif kind == "target":
                targets[(rec["medium"], rec["target"])] = rec
            elif kind == "scale":
                scale.append(rec)
            elif kind == "medium":
                media_missing[rec["medium"]] = rec.get("missing")
            elif kind == "counters":
                counters[(rec["medium"], rec["job"], rec["target"])] = rec
    hz = env.get("user_hz", 100)
    # The sampler's window is the run's measured time less 0.5 s.
    min_window = 0.5 * max(env.get("runtime_s", 1) - 0.5, 0.2)
    jobs = env.get("jobs") or sorted({r["job"] for r in runs})
    media = [m for m in (env.get("media") or MEDIA) if m not in media_missing]
    extra = [t for t in EXTRA_TARGETS if t in (env.get("targets") or [])]
    cols = TARGETS + extra

    # Group the runs: medium -> job -> target -> list of derived figures.
    groups, missing, errors = {}, {}, []
    # The direct I/O mode in effect per target, as sysfs says after the
    # device was bound (None: no dio attribute).
    dio = {k: v.get("dio") for k, v in targets.items() if "missing" not in v}
    for k, v in targets.items():
        if "missing" in v:
            missing[k] = v["missing"]
    for r in runs:
        if "missing" in r:
            missing.setdefault((r["medium"], r["target"]), r["missing"])
            continue
        if r.get("error") or not r.get("fio"):
            errors.append(r)
            continue
        r["derived"] = derive(r, hz, min_window)
        groups.setdefault(r["medium"], {}).setdefault(r["job"], {}) \
              .setdefault(r["target"], []).append(r["derived"])

    summary = {}
    for m, bj in groups.items():
        for j, bt in bj.items():
            for t, ds in bt.items():
                s = {"rounds": len(ds)}
                for key in ("iops", "mbps", "lat_p50_us", "lat_p99_us",
                            "clat_p50_us", "clat_p99_us",
                            "cpu_us_per_io", "ctxt_per_io"):
                    vals = [d[key] for d in ds if d.get(key) is not None]
                    s[key] = {"values": vals, "median": median(vals),
                              "min": min(vals) if vals else None,
                              "max": max(vals) if vals else None}
                summary.setdefault(m, {}).setdefault(j, {})[t] = s

    def med(m, j, t, key="iops"):
        try:
            return summary[m][j][t][key]["median"]
        except KeyError:
            return None

    ratios = {}
    for m in summary:
        for j in summary[m]:
            ratios.setdefault(m, {})[j] = {
                "vfsblk-dio/loop-dio": ratio(med(m, j, "vfsblk-dio"), med(m, j, "loop-dio")),
                "vfsblk-dio/file": ratio(med(m, j, "vfsblk-dio"), med(m, j, "file")),
                "vfsblk/loop": ratio(med(m, j, "vfsblk"), med(m, j, "loop")),
                "cpu vfsblk-dio/loop-dio": ratio(med(m, j, "vfsblk-dio", "cpu_us_per_io"),
                                                 med(m, j, "loop-dio", "cpu_us_per_io")),
                "cpu vfsblk/loop": ratio(med(m, j, "vfsblk", "cpu_us_per_io"),
                                         med(m, j, "loop", "cpu_us_per_io")),
            }
            for t in extra:
                ratios[m][j][f"{t}/file"] = ratio(med(m, j, t), med(m, j, "file"))

    # Scale figures per driver. Older records timed 32 tool starts.
    def tool_start_ms(s):
        if "tool_start_seconds_32" in s:
            return s["tool_start_seconds_32"] * 1000 / 32
        return s["tool_start_seconds"] * 1000 / max(s["tool_starts"], 1)

    scale_out = []
    for s in scale:
        n = max(s.get("bound") or 0, 1)
        a0, a1 = s["memavailable_kb"]
        s0, s1 = s["slab_kb"]
        scale_out.append(dict(s, derived={
            "add_ms_per_device": s["add_seconds"] * 1000 / s["devices"],
            "remove_ms_per_device": s["remove_seconds"] * 1000 / max(s["bound"], 1),
            "memavailable_kb_per_device": (a0 - a1) / n,
            "slab_kb_per_device": (s1 - s0) / n,
            "tool_start_ms": tool_start_ms(s),
        }))

    # Goals, on the RAM disk (where the driver's own cost shows).
    goals = []
    gm = "ram" if "ram" in summary else (next(iter(summary), None))
    if gm:
        rs = ratios[gm]
        def goal(name, key, ok, jobset):
            met, notmet, unknown = [], [], []
            for j in jobset:
                v = rs.get(j, {}).get(key)
                (unknown if v is None else met if ok(v) else notmet).append(
                    (j, v))
            goals.append({"goal": name, "medium": gm, "met": met,
                          "not_met": notmet, "not_measured": unknown})
        present = [j for j in jobs if j in rs]
        goal("vfsblk direct I/O >= 0.90x the file itself", "vfsblk-dio/file",
             lambda v: v >= 0.90, present)
        goal("vfsblk direct I/O not slower than loop --direct-io=on",
             "vfsblk-dio/loop-dio", lambda v: v >= 1.0, present)
        goal("vfsblk buffered not slower than loop buffered", "vfsblk/loop",
             lambda v: v >= 1.0, present)
        fourk = [j for j in present if FOUR_K in j]
        goal("CPU time per I/O below loop's (direct I/O), 4k jobs",
             "cpu vfsblk-dio/loop-dio", lambda v: v < 1.0, fourk)
        goal("CPU time per I/O below loop's (buffered), 4k jobs",
             "cpu vfsblk/loop", lambda v: v < 1.0, fourk)

    meta = {
        "command": args.command,
        "commit": args.commit,
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "wall_seconds": args.seconds,
        "host_cpus": os.cpu_count(),
    }
    def share(m, j, t, key):
        """The part of a vfsblk target's reads and writes a counter counts."""
        c = counters.get((m, j, t))
        if not c or not c["reads"] + c["writes"]:
            return None
        return c.get(key, 0) / (c["reads"] + c["writes"])

    results = {"meta": meta, "env": env, "summary": summary, "ratios": ratios,
               "counters": [dict(c, inline_share=share(*k, "inline_submits"),
                                 batched_share=share(*k, "batched_submits"))
                            for k, c in sorted(counters.items())],
               "scale": scale_out, "goals": goals,
               "missing": [{"medium": m, "target": t, "why": w}
                           for (m, t), w in sorted(missing.items())],
               "media_missing": media_missing,
               "targets": [targets[k] for k in sorted(targets)],
               "errors": errors, "runs": runs}
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "results.json"), "w", encoding="utf-8") as f:
        json.dump(results, f, indent=1)
        f.write("\n")

    # Chart data: per medium, IOPS medians relative to the file's.
    for m in summary:
        with open(os.path.join(args.out, f"chart-{m}.dat"), "w", encoding="utf-8") as f:
            f.write("job " + " ".join(TARGETS) + "\n")
            for j in jobs:
                if j not in summary[m]:
                    continue
                base = med(m, j, "file")
                cells = [fmt(ratio(med(m, j, t), base), 3) if ratio(med(m, j, t), base)
                         is not None else "?" for t in TARGETS]
                f.write(f"{j} " + " ".join(cells) + "\n")

    # The markdown tables.
    L = []
    rounds = env.get("rounds")
    L.append(f"## vfsblk benchmark: {env.get('kernel', '?')}"
             f"{' (quick mode)' if env.get('quick') else ''}")
    L.append("")
    L.append(f"`{args.command}` at {args.commit}, {meta['date']}"
             + (f", {args.seconds} s wall clock" if args.seconds else "") + ". "
             + ("One round" if rounds == 1 else f"{rounds} rounds")
             + f" of {env.get('runtime_s')} s (+{env.get('ramp_s')} s ramp) per job and target, "
             + ("targets A..E in turn" if rounds == 1 else "targets interleaved A..E, E..A")
             + f"; {env.get('file_mib')} MiB backing files. "
             + ("Single figures: no median, no range." if rounds == 1
                else "Medians, range in brackets."))
    L.append("")
    for m in media:
        if m not in summary:
            continue
        L.append(f"### {MEDIA.get(m, m)}")
        L.append("")
        L.append("| job | unit | " + " | ".join(cols)
                 + " | dio/loop-dio | dio/file | buf/loop |"
                 + "".join(f" {t}/file |" for t in extra))
        L.append("|---|---|" + "---:|" * (len(cols) + 3 + len(extra)))
        for j in jobs:
            if j not in summary[m]:
                continue
            bw = j in BANDWIDTH_JOBS
            key = "mbps" if bw else "iops"
            scale_div = 1 if bw else 1000
            row = [j, "MB/s" if bw else "kIOPS"]
            for t in cols:
                s = summary[m][j].get(t)
                if (m, t) in missing:
                    row.append("missing")
                elif not s or s[key]["median"] is None:
                    row.append("-")
                elif len(s[key]["values"]) == 1:
                    row.append(fmt(s[key]["median"] / scale_div))
                else:
                    row.append(f"{fmt(s[key]['median'] / scale_div)} "
                               f"({fmt(s[key]['min'] / scale_div)}-"
                               f"{fmt(s[key]['max'] / scale_div)})")
            r = ratios[m][j]
            row += [fmt(r["vfsblk-dio/loop-dio"], 2), fmt(r["vfsblk-dio/file"], 2),
                    fmt(r["vfsblk/loop"], 2)]
            row += [fmt(r[f"{t}/file"], 2) for t in extra]
            L.append("| " + " | ".join(row) + " |")
        L.append("")
        # Latency at QD1.
        j = "randread-4k-qd1"
        if j in summary[m]:
            L.append(f"4k random read QD1 latency, submission to "
                     f"completion, us, p50 / p99 (medians): "
                     + "; ".join(
                         f"{t} {fmt(med(m, j, t, 'lat_p50_us'))} / "
                         f"{fmt(med(m, j, t, 'lat_p99_us'))}"
                         for t in cols if t in summary[m][j]) + ".")
            L.append("")
        L.append("CPU time per I/O, us / context switches per I/O (medians, "
                 "whole guest, from /proc/stat):")
        L.append("")
        L.append("| job | " + " | ".join(cols) + " | cpu dio/loop-dio | cpu buf/loop |")
        L.append("|---|" + "---:|" * (len(cols) + 2))
        for j in jobs:
            if j not in summary[m]:
                continue
            row = [j]
            for t in cols:
                c, x = med(m, j, t, "cpu_us_per_io"), med(m, j, t, "ctxt_per_io")
                row.append("missing" if (m, t) in missing else
                           f"{fmt(c)} / {fmt(x, 2)}" if c is not None else "-")
            r = ratios[m][j]
            row += [fmt(r["cpu vfsblk-dio/loop-dio"], 2), fmt(r["cpu vfsblk/loop"], 2)]
            L.append("| " + " | ".join(row) + " |")
        L.append("")
        # The share of requests served without a worker hand-off, and of
        # direct ones the batch worker started.
        shares = []
        for j in jobs:
            cells = []
            for t in ("vfsblk", "vfsblk-dio"):
                v = share(m, j, t, "inline_submits")
                if v is None:
                    continue
                b = share(m, j, t, "batched_submits")
                c = counters[(m, j, t)]
                fl = (f", {100 * c.get('inline_flushes', 0) / c['flushes']:.0f}% "
                      f"of {c['flushes']} flushes inline"
                      if c.get("flushes") else "")
                x = share(m, j, t, "inline_misses")
                cells.append(f"{t} {100 * v:.0f}%"
                             + (f" (+{100 * b:.0f}% batched)" if b else "")
                             + (f" ({100 * x:.0f}% tried, missed)" if x else "")
                             + fl)
            if cells:
                shares.append(f"{j}: " + ", ".join(cells))
        if shares:
            L.append("Reads and writes vfsblk served from the submitting task "
                     "(inline_submits in sysfs), and started by its batch "
                     "worker (batched_submits), buffered reads it tried "
                     "there that the page cache could not serve "
                     "(inline_misses), and flushes served without "
                     "a worker (inline_flushes), all runs of a job: "
                     + "; ".join(shares) + ".")
            L.append("")
    notes = []
    for (m, t), w in sorted(missing.items()):
        notes.append(f"- {m}: target {t} missing: {w}")
    for m, w in sorted(media_missing.items()):
        notes.append(f"- medium {m} missing: {w}")
    for (m, t), v in sorted(dio.items()):
        if t in EXTRA_TARGETS:
            continue
        want = 1 if t in ("file", "loop-dio", "vfsblk-dio") else 0
        if v is None:
            notes.append(f"- {m}: {t}: the kernel reports no dio attribute; "
                         f"the mode in effect is unknown")
        elif v != want:
            notes.append(f"- {m}: {t} ran with dio = {v} in sysfs (asked for {want})")
    for (m, t), v in sorted(targets.items()):
        if v.get("note"):
            notes.append(f"- {m}: {t}: {v['note']}")
    # The device must have served at least the I/Os fio counted on it
    # (fio leaves out the ramp time, the device does not).
    fio_ios = {}
    for r in runs:
        f = r.get("fio")
        k = (r["medium"], r["job"], r["target"])
        if f and k in counters:
            fio_ios[k] = fio_ios.get(k, 0) + (f.get("read_ios") or 0) \
                + (f.get("write_ios") or 0)
    for k, n in sorted(fio_ios.items()):
        c = counters[k]
        served = c["reads"] + c["writes"]
        if n > served:
            notes.append(f"- {k[0]}: {k[2]} {k[1]}: fio counted {n} I/Os, "
                         f"the device served {served}: these figures do "
                         f"not measure the device")
    if errors:
        notes.append(f"- {len(errors)} run(s) failed and are left out: "
                     + "; ".join(f"{e['medium']} {e['job']} {e['target']}: "
                                 f"{e.get('error', 'no figures')[:100]}"
                                 for e in errors[:5]))
    if notes:
        L.append("Notes:")
        L.append("")
        L += notes
        L.append("")
    if scale_out:
        L.append("### Scale")
        L.append("")
        L.append("| driver | bound at once | add, ms/device | remove, ms/device | "
                 "MemAvailable, KiB/device | Slab, KiB/device | tool start, ms |")
        L.append("|---|---:|---:|---:|---:|---:|---:|")
        for s in scale_out:
            d = s["derived"]
            L.append(f"| {s['driver']} | {s['bound']} of {s['devices']} | "
                     f"{fmt(d['add_ms_per_device'], 1)} | {fmt(d['remove_ms_per_device'], 1)} | "
                     f"{fmt(d['memavailable_kb_per_device'], 0)} | "
                     f"{fmt(d['slab_kb_per_device'], 0)} | {fmt(d['tool_start_ms'], 1)} |")
        L.append("")
        L.append("Add and remove times include starting the tool (vfsblkctl, "
                 "losetup) once per device; its start alone is the last column.")
        L.append("")
    if goals:
        L.append(f"### Goals, as measured ({MEDIA.get(gm, gm)})")
        L.append("")
        for g in goals:
            n = len(g["met"]) + len(g["not_met"])
            line = f"- {g['goal']}: met on {len(g['met'])} of {n} jobs"
            if g["not_met"]:
                line += "; not met: " + ", ".join(
                    f"{j} {v:.2f}" for j, v in g["not_met"])
            if g["not_measured"]:
                line += "; not measured: " + ", ".join(j for j, _ in g["not_measured"])
            L.append(line + ".")
        L.append("")
    with open(os.path.join(args.out, "table.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(L))
    return 0


if __name__ == "__main__":
    sys.exit(main())
