#!/usr/bin/env python3
"""Compares a `windowplan bench --csv` file with the CP-SAT peer's CSV of the
same run, instance by instance.

    scripts/compare-peer.py WINDOWPLAN.csv CPSAT.csv

Prints, for the instances both ran: how often each solver found the best
makespan either found, how often each is strictly better, how many each
proved optimal, and the "optima found" of each: instances whose makespan
equals a proven optimum (proven by either solver). Where the two disagree
about a proof (one proves a value the other beats, or proves infeasible
what the other solved), that is reported as a conflict: one of the two is
wrong. Exit 1 on a conflict.
"""
import csv
import sys


def load(path, makespan, proven, status):
    rows = {}
    for r in csv.DictReader(open(path)):
        m = r.get(makespan) or ""
        rows[r["instance"]] = {
            "m": int(m) if m.strip() else None,
            # the PSPLIB peer writes proven_optimal; the RCPSP/max peer a status
            "proven": (r.get(proven) or "0").strip() in ("1", "true", "True")
            or (r.get(status) or "").strip().upper() == "OPTIMAL",
            "infeasible": (r.get(status) or "").strip().lower() == "infeasible",
        }
    return rows


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    wp = load(argv[1], "makespan", "proven_optimal", "status")
    cp = load(argv[2], "makespan", "proven_optimal", "status")
    both = sorted(set(wp) & set(cp))
    stats = dict(n=len(both), wp_best=0, cp_best=0, wp_better=0, cp_better=0,
                 wp_proven=0, cp_proven=0, wp_opt=0, cp_opt=0, known_opt=0,
                 wp_inf=0, cp_inf=0)
    conflicts = []
    for k in both:
        a, b = wp[k], cp[k]
        stats["wp_proven"] += a["proven"]
        stats["cp_proven"] += b["proven"]
        stats["wp_inf"] += a["infeasible"]
        stats["cp_inf"] += b["infeasible"]
        if (a["infeasible"] and b["m"] is not None) or (b["infeasible"] and a["m"] is not None):
            conflicts.append(f"{k}: one solver proved it infeasible, the other has a schedule")
            continue
        if a["proven"] and b["m"] is not None and b["m"] < a["m"]:
            conflicts.append(f"{k}: windowplan proved {a['m']} optimal, CP-SAT has {b['m']}")
        if b["proven"] and a["m"] is not None and a["m"] < b["m"]:
            conflicts.append(f"{k}: CP-SAT proved {b['m']} optimal, windowplan has {a['m']}")
        ms = [x["m"] for x in (a, b) if x["m"] is not None]
        if not ms:
            continue
        best = min(ms)
        stats["wp_best"] += a["m"] == best
        stats["cp_best"] += b["m"] == best
        stats["wp_better"] += a["m"] is not None and (b["m"] is None or a["m"] < b["m"])
        stats["cp_better"] += b["m"] is not None and (a["m"] is None or b["m"] < a["m"])
        optimum = [x["m"] for x in (a, b) if x["proven"] and x["m"] is not None]
        if optimum:
            stats["known_opt"] += 1
            stats["wp_opt"] += a["m"] == optimum[0]
            stats["cp_opt"] += b["m"] == optimum[0]
    s = stats
    print(f"instances {s['n']}; proven optimum known for {s['known_opt']}")
    print(f"  windowplan: best of both {s['wp_best']}, strictly better {s['wp_better']}, "
          f"optima found {s['wp_opt']}, proven {s['wp_proven']}, infeasible {s['wp_inf']}")
    print(f"  CP-SAT:     best of both {s['cp_best']}, strictly better {s['cp_better']}, "
          f"optima found {s['cp_opt']}, proven {s['cp_proven']}, infeasible {s['cp_inf']}")
    for c in conflicts:
        print("CONFLICT " + c)
    return 1 if conflicts else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
