#!/usr/bin/env python3
"""Writes tests/fixtures/servicenow/: a bank's CMDB as ServiceNow list
exports (a few hundred CIs), deterministic. The CI table is a CSV with the
sys_id column added and display values for references (the CSV default);
the relations are a JSON export with both value and display value
(`sysparm_display_value=all`). On purpose it holds: classes the import does
not know, relations to CIs not exported, dependency cycles, a duplicate name,
an unknown relation type, a maintenance schedule and a repeating blackout.

    python3 scripts/gen-servicenow-fixture.py tests/fixtures/servicenow
"""
import csv, hashlib, json, os, sys

out = sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/servicenow"
os.makedirs(out, exist_ok=True)

def sid(name):
    return hashlib.md5(name.encode()).hexdigest()

cis = []       # (sys_id, name, class, zone, site, group, criticality)
rels = []      # (parent, child, type)
def ci(name, cls, zone="", site="", group="", crit=""):
    cis.append((sid(name + cls), name, cls, zone, site, group, crit))
    return name
def rel(p, c, t):
    rels.append((p, c, t))

SERVICES = [
    ("Online Banking", "obk", "dmz", 6, 6, "1 - most critical"),
    ("Mobile Banking", "mbk", "dmz", 4, 4, "1 - most critical"),
    ("Payments Hub", "pay", "pci", 4, 6, "1 - most critical"),
    ("Card Authorisation", "crd", "pci", 4, 4, "1 - most critical"),
    ("Core Ledger", "gl", "internal", 3, 4, "2 - somewhat critical"),
    ("Customer CRM", "crm", "internal", 3, 3, "3 - less critical"),
    ("Data Warehouse", "dwh", "internal", 2, 4, "3 - less critical"),
    ("Treasury", "trs", "internal", 2, 3, "2 - somewhat critical"),
    ("Loan Origination", "lon", "internal", 2, 3, "3 - less critical"),
    ("Fraud Scoring", "frd", "pci", 3, 3, "2 - somewhat critical"),
]
services = []
apps_of = {}
for (svc, p, zone, nweb, napp, crit) in SERVICES:
    services.append((sid(svc), svc, crit))
    site = "DC1 London"
    web = ci(f"{p}-web-cluster", "cmdb_ci_cluster", zone, site, "Unix Ops")
    for i in range(1, nweb + 1):
        h = ci(f"{p}-web-{i:02d}", "cmdb_ci_linux_server", zone, site, "Unix Ops")
        rel(web, h, "Members::Member of")
    app = ci(f"{p}-app-cluster", "cmdb_ci_cluster", zone, site, "Middleware")
    apps = []
    for i in range(1, napp + 1):
        h = ci(f"{p}-app-{i:02d}", "cmdb_ci_linux_server", zone, site, "Unix Ops")
        a = ci(f"{p}-tomcat-{i:02d}", "cmdb_ci_app_server_tomcat", zone, site, "Middleware")
        rel(h, app, "Cluster of::Cluster")   # the node names the cluster
        rel(a, h, "Runs on::Runs")
        apps.append(a)
    apps_of[p] = apps
    dbc = ci(f"{p}-db-cluster", "cmdb_ci_cluster", zone, "", "DBA")
    for side, s in (("a", "DC1 London"), ("b", "DC2 Slough")):
        h = ci(f"{p}-dbhost-{side}", "cmdb_ci_unix_server", zone, s, "Unix Ops")
        d = ci(f"{p}-ora-{side}", "cmdb_ci_db_ora_instance", zone, s, "DBA")
        rel(d, h, "Runs on::Runs")
        rel(dbc, d, "Members::Member of")
    lb = ci(f"{p}-lb", "cmdb_ci_lb_bigip", "dmz" if zone == "dmz" else zone, site, "Network")
    rel(svc, web, "Depends on::Used by")
    rel(svc, app, "Depends on::Used by")
    rel(svc, dbc, "Depends on::Used by")
    rel(svc, lb, "Depends on::Used by")
    for a in apps:
        rel(a, dbc, "Depends on::Used by")

# application to application dependencies (integrations), two of them cycles
def dep(p, c):
    rel(apps_of[p][0], apps_of[c][0], "Depends on::Used by")
dep("pay", "gl"); dep("crd", "frd"); dep("obk", "pay"); dep("mbk", "pay")
dep("dwh", "gl"); dep("crm", "obk"); dep("lon", "crm"); dep("trs", "gl")
dep("frd", "crd")                      # cycle crd <-> frd
dep("gl", "trs")                       # cycle gl <-> trs
# a service that depends on another service
rel("Mobile Banking", "Online Banking", "Depends on::Used by")

# shared infrastructure
for i in range(1, 9):
    ci(f"core-sw-{i:02d}", "cmdb_ci_ip_switch", "internal", "DC1 London", "Network")
for i in range(1, 5):
    ci(f"fw-{i:02d}", "cmdb_ci_firewall", "dmz", "DC1 London", "Network")
for i in range(1, 7):
    ci(f"san-{i:02d}", "cmdb_ci_storage_device", "internal", "DC1 London", "Storage")
for i in range(1, 13):
    ci(f"esx-{i:02d}", "cmdb_ci_esx_server", "internal", "DC1 London", "Virtualisation")
for i in range(1, 25):
    v = ci(f"vm-util-{i:02d}", "cmdb_ci_vmware_instance", "internal", "DC1 London", "Virtualisation")
    rel(v, f"esx-{(i - 1) % 12 + 1:02d}", "Virtualized by::Virtualizes")
for i in range(1, 16):
    h = ci(f"batch-{i:02d}", "cmdb_ci_win_server", "internal", "DC2 Slough", "Windows Ops")
    rel(h, f"san-{(i - 1) % 6 + 1:02d}", "Connects to::Connected by")   # a type the import does not use
# classes the import does not know
for i in range(1, 4):
    ci(f"ups-{i:02d}", "cmdb_ci_ups", "", "DC1 London", "Facilities")
for i in range(1, 3):
    ci(f"printer-{i:02d}", "cmdb_ci_printer", "", "DC1 London", "Facilities")
for i in range(1, 3):
    ci(f"lpar-{i:02d}", "u_cmdb_ci_mainframe_lpar", "internal", "DC1 London", "Mainframe")
# a duplicate name (not referenced by any relation)
ci("reporting", "cmdb_ci_win_server", "internal", "DC2 Slough", "Windows Ops")
ci("reporting", "cmdb_ci_appl", "internal", "DC2 Slough", "BI")
# relations to CIs that were not exported
rel("dwh-tomcat-01", "legacy-fax-01", "Depends on::Used by")
rel("Treasury", "swift-gateway", "Depends on::Used by")
rel("reporting-cluster", "batch-01", "Members::Member of")

with open(os.path.join(out, "cmdb_ci.csv"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["sys_id", "name", "sys_class_name", "u_zone", "location", "support_group"])
    for (s, n, c, z, site, g, _) in cis:
        w.writerow([s, n, c, z, site, g])

with open(os.path.join(out, "cmdb_ci_service.csv"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["sys_id", "name", "sys_class_name", "busines_criticality"])
    for (s, n, crit) in services:
        w.writerow([s, n, "cmdb_ci_service", crit])

by_name = {n: s for (s, n, *_rest) in cis}
by_name.update({n: s for (s, n, _) in services})
def ref(n):
    # A name not exported still has a sys_id in the CMDB.
    return {"value": by_name.get(n, sid(n + "missing")), "display_value": n}
records = [{"sys_id": sid(f"{p}>{c}>{t}"), "parent": ref(p), "child": ref(c),
            "type": {"value": sid(t), "display_value": t}} for (p, c, t) in rels]
with open(os.path.join(out, "cmdb_rel_ci.json"), "w") as f:
    json.dump({"records": records}, f, indent=1)
    f.write("\n")

with open(os.path.join(out, "cmn_schedule_blackout.csv"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["sys_id", "name", "type", "cmdb_ci"])
    w.writerow([sid("mec"), "Month-end close", "blackout", "gl-db-cluster,gl-app-cluster"])
    w.writerow([sid("cnf"), "Card network freeze", "blackout", "crd-app-cluster,Card Authorisation"])
    w.writerow([sid("qm"), "Quarterly maintenance", "maintenance", "dwh-db-cluster"])
with open(os.path.join(out, "cmn_schedule_span.csv"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["schedule", "name", "start_date_time", "end_date_time", "repeat_type"])
    w.writerow(["Month-end close", "December close", "2026-12-06 01:00:00", "2026-12-06 03:00:00", ""])
    w.writerow(["Card network freeze", "Weekly settlement", "20261107T230000", "20261107T233000", "weekly"])
    w.writerow(["Quarterly maintenance", "Q4", "2026-12-05 20:00:00", "2026-12-06 08:00:00", ""])
print(f"{len(cis) + len(services)} CIs, {len(rels)} relations in {out}")
