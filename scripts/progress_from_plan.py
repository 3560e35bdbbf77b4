#!/usr/bin/env python3
"""Writes a progress file for `windowplan replan` from a saved plan (JSON):
`now` is the end of the plan's FRACTION-th task by end time (default 0.5),
every task ended by then is done at its planned times, and every task under
way is running, expected to end OVERRUN minutes late (default 10).

    scripts/progress_from_plan.py PLAN.json [FRACTION] [OVERRUN] > progress.json
"""
import json
import sys
from datetime import datetime, timedelta

plan = json.load(open(sys.argv[1]))
fraction = float(sys.argv[2]) if len(sys.argv) > 2 else 0.5
overrun = int(sys.argv[3]) if len(sys.argv) > 3 else 10
tasks = plan["tasks"]
ends = sorted(t["end_minute"] for t in tasks)
now_minute = ends[min(len(ends) - 1, int(len(ends) * fraction))]
by_minute = {t["end_minute"]: t["end"] for t in tasks}
now = by_minute[now_minute]
done, running = [], []
for t in tasks:
    if t["end_minute"] <= now_minute:
        done.append({"task": t["id"], "start": t["start"], "end": t["end"]})
    elif t["start_minute"] <= now_minute:
        end = datetime.fromisoformat(t["end"]) + timedelta(minutes=overrun)
        running.append({"task": t["id"], "start": t["start"], "expected_end": end.isoformat()})
json.dump({"now": now, "done": done, "running": running}, sys.stdout, indent=1)
print()
