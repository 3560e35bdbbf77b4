#!/usr/bin/env python3
"""Rewrites a generated estate (`windowplan generate ... -o est.json`) so that
every blocking schema change (`<app>-schema-change` on `<app>-db-a`) is a
format 1.2 schema change done expand/contract instead: expand and backfill on
the database, the app release as its deploy, a 2-minute cutover, the contract
in the same window. Used to measure the expansion, planning and checking of
schema changes on a large estate (DESIGN.md, "Schema changes: choices made").

usage: expand_contract_estate.py IN.json OUT.json
"""
import json
import sys


def name_of(after):
    return after if isinstance(after, str) else after.get("task")


def main(src, dst):
    d = json.load(open(src))
    tasks = d["tasks"]
    blocking = [t for t in tasks if t["id"].endswith("-schema-change")]
    gone = {t["id"] for t in blocking}
    changes = []
    for t in blocking:
        app = t["id"][: -len("-schema-change")]
        deploy = f"{app}-app-release"
        needs = t.get("needs") or {"dba": 1}
        changes.append(
            {
                "id": f"{app}-v2",
                "database": t["system"],
                "app": f"{app}-app-tier",
                "after": t.get("after", []),
                "expand": {"duration": t["duration"], "needs": needs},
                "deploy": deploy,
                "backfill": {"duration": t["duration"], "team": "dba"},
                "cutover": {"duration": "2m"},
                "contract": {"duration": "15m", "team": "dba", "same_window": True},
            }
        )
    for t in tasks:
        if t["id"] in gone:
            continue
        after = []
        for a in t.get("after", []):
            n = name_of(a)
            if n in gone:
                app = n[: -len("-schema-change")]
                if t["id"] == f"{app}-app-release":
                    continue  # the deploy waits for the expand instead
                a = f"{app}-v2.backfill"
            after.append(a)
        if "after" in t:
            t["after"] = after
    d["tasks"] = [t for t in tasks if t["id"] not in gone]
    d["schema_changes"] = changes
    json.dump(d, open(dst, "w"), indent=1)
    print(f"{dst}: {len(changes)} schema changes, {len(d['tasks'])} tasks as written")


if __name__ == "__main__":
    main(*sys.argv[1:])
