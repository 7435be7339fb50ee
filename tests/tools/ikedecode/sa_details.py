#!/usr/bin/env python3
"""The per-SA details of ikedecode's ike_sa record checked against tshark on one capture.

    sa_details.py CAPTURE [KEYFILE]

tshark (Wireshark's ISAKMP dissector, with the same key table when one is given) shows the
payloads; the expectations are taken from it message by message, independently of ikedecode:
IKEv2 IDi and AUTH from the initiator's first message carrying them, IDr and AUTH from the
responder's, the selectors and the CHILD_SA proposal from the IKE_AUTH response, the IKE SA
proposal from the IKE_SA_INIT response; IKEv1 identities from the phase 1 ID payloads, the
authentication method and phase 1 algorithms from the responder's phase 1 SA, the phase 2 ones
from its quick mode SA. A value tshark does not show must be absent in ikedecode's record."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
from tshark_ike import isakmp_rows  # noqa: E402

capture = sys.argv[1]
keyfile = sys.argv[2] if len(sys.argv) > 2 else None
FIELDS = [
    "frame.number", "ip.src", "isakmp.version", "isakmp.exchangetype", "isakmp.flag_i",
    "isakmp.flag_r", "isakmp.typepayload", "isakmp.id.type", "isakmp.id.data.fqdn",
    "isakmp.id.data.user_fqdn", "isakmp.id.data.ipv4_addr", "isakmp.auth.method",
    "isakmp.ts.type", "isakmp.ts.protoid", "isakmp.ts.start_port", "isakmp.ts.end_port",
    "isakmp.ts.start_ipv4", "isakmp.ts.end_ipv4", "isakmp.prop.protoid", "isakmp.tf.id.encr",
    "isakmp.ike2.attr.key_length", "isakmp.tf.id.prf", "isakmp.tf.id.integ", "isakmp.tf.id.dh",
    "isakmp.tf.id.esn", "isakmp.ike.attr.authentication_method",
    "isakmp.ike.attr.encryption_algorithm", "isakmp.ike.attr.key_length",
    "isakmp.ike.attr.hash_algorithm", "isakmp.ike.attr.group_description", "isakmp.trans.id",
    "isakmp.ipsec.attr.auth_algorithm", "isakmp.ipsec.attr.key_length",
    "isakmp.ipsec.attr.group_description",
]


def first(row, field, cast=int):
    return cast(row[field][0]) if row[field] else None


def identity(row, payload_type):
    """The ID payload of `payload_type` in the message: its type and value."""
    ids = [t for t in row["isakmp.typepayload"] if int(t) in (5, 35, 36)]
    if str(payload_type) not in ids:
        return None
    index = ids.index(str(payload_type))
    values = row["isakmp.id.data.fqdn"] + row["isakmp.id.data.user_fqdn"] + \
        row["isakmp.id.data.ipv4_addr"]
    return {"type": int(row["isakmp.id.type"][index]), "value": values[index]}


def named(value):
    return None if value is None else {"id": value}


def expected_v2(rows):
    out = {"identities": {}, "authentication": {}}
    for row in rows:
        from_i = row["isakmp.flag_i"] == ["1"]
        response = row["isakmp.flag_r"] == ["1"]
        side = "initiator" if from_i else "responder"
        id_ = identity(row, 35 if from_i else 36)
        if id_ and side not in out["identities"]:
            out["identities"][side] = id_
        method = first(row, "isakmp.auth.method")
        if method is not None and side not in out["authentication"]:
            out["authentication"][side] = {"id": method}
        exchange = first(row, "isakmp.exchangetype")
        if not from_i and response and row["isakmp.prop.protoid"]:
            key = "ike" if exchange == 34 else "child" if exchange == 35 else None
            if key and key not in out:
                out[key] = {"encryption": first(row, "isakmp.tf.id.encr"),
                            "key_length": first(row, "isakmp.ike2.attr.key_length"),
                            "prf": named(first(row, "isakmp.tf.id.prf")),
                            "integrity": named(first(row, "isakmp.tf.id.integ")),
                            "dh_group": named(first(row, "isakmp.tf.id.dh")),
                            "esn": named(first(row, "isakmp.tf.id.esn"))}
        if exchange == 35 and row["isakmp.ts.start_ipv4"]:
            # One selector per TS payload in these captures: TSi's first, then TSr's. The
            # response's are what was agreed; the request's stand only without a response.
            sel = [{"type": int(row["isakmp.ts.type"][i]),
                    "ip_protocol": int(row["isakmp.ts.protoid"][i]),
                    "start_port": int(row["isakmp.ts.start_port"][i]),
                    "end_port": int(row["isakmp.ts.end_port"][i]),
                    "start_address": row["isakmp.ts.start_ipv4"][i],
                    "end_address": row["isakmp.ts.end_ipv4"][i]} for i in range(2)]
            origin = "response" if response else "request"
            if origin == "response" and out.get("ts", {}).get("from") != "response" or \
                    "ts" not in out:
                out["ts"] = {"from": origin, "initiator": [sel[0]], "responder": [sel[1]]}
    return out


def expected_v1(rows):
    out = {"identities": {}, "authentication": {}}
    initiator = rows[0]["ip.src"][0]
    for row in rows:
        from_i = row["ip.src"][0] == initiator
        side = "initiator" if from_i else "responder"
        exchange = first(row, "isakmp.exchangetype")
        id_ = identity(row, 5)
        if exchange in (2, 4) and id_ and side not in out["identities"]:
            out["identities"][side] = id_
        if from_i or not row["isakmp.prop.protoid"]:
            continue
        if exchange in (2, 4) and "ike" not in out:
            out["authentication"]["negotiated"] = named(
                first(row, "isakmp.ike.attr.authentication_method"))
            out["ike"] = {"encryption": first(row, "isakmp.ike.attr.encryption_algorithm"),
                          "key_length": first(row, "isakmp.ike.attr.key_length"),
                          "hash": named(first(row, "isakmp.ike.attr.hash_algorithm")),
                          "dh_group": named(first(row, "isakmp.ike.attr.group_description"))}
        if exchange == 32 and "child" not in out:
            out["child"] = {"encryption": first(row, "isakmp.trans.id"),
                            "key_length": first(row, "isakmp.ipsec.attr.key_length"),
                            "integrity": named(first(row, "isakmp.ipsec.attr.auth_algorithm")),
                            "dh_group": named(first(row, "isakmp.ipsec.attr.group_description"))}
    return out


def ours_of(sa):
    """ikedecode's record reduced to what tshark can be compared on (numbers, values)."""
    def ident(x):
        return None if x is None else {"type": x["type"], "value": x["value"]}

    def proposal(p):
        if p is None:
            return None
        enc = p.get("encryption")
        out = {"encryption": enc["id"] if enc else None,
               "key_length": enc.get("key_length") if enc else None}
        for k in ("prf", "integrity", "hash", "dh_group", "esn"):
            if k in p:
                out[k] = {"id": p[k]["id"]}
        return out

    ids = sa.get("identities", {})
    out = {"identities": {k: ident(ids.get(k)) for k in ("initiator", "responder") if k in ids},
           "authentication": {k: {"id": v["id"]} for k, v in sa.get("authentication", {}).items()}}
    neg = sa.get("negotiated", {})
    for k in ("ike", "child"):
        if k in neg:
            out[k] = proposal(neg[k])
    if "traffic_selectors" in sa:
        ts = sa["traffic_selectors"]
        strip = [{k: s[k] for k in s if k != "type_name"} for s in ts["initiator"]]
        strip_r = [{k: s[k] for k in s if k != "type_name"} for s in ts["responder"]]
        out["ts"] = {"from": ts["from"], "initiator": strip, "responder": strip_r}
    return out


def drop_none(value):
    if isinstance(value, dict):
        return {k: drop_none(v) for k, v in value.items() if v is not None}
    return value


rows = isakmp_rows(capture, keyfile, FIELDS)
version = 1 if rows[0]["isakmp.version"][0].startswith("0x1") else 2
theirs = drop_none(expected_v2(rows) if version == 2 else expected_v1(rows))
cmd = ["ikedecode", "--json", "--sessions", capture]
if keyfile:
    cmd[3:3] = ["--keys", keyfile]
records = [json.loads(line) for line in subprocess.run(cmd, capture_output=True, text=True).stdout
           .splitlines()]
sas = [r["data"] for r in records if r["type"] == "ike_sa"]
if len(sas) != 1:
    sys.exit(f"{capture}: expected one ike_sa record, got {len(sas)}")
ours = drop_none(ours_of(sas[0]))
if ours != theirs:
    sys.exit(f"{capture}:\n tshark    {json.dumps(theirs, sort_keys=True)}\n"
             f" ikedecode {json.dumps(ours, sort_keys=True)}")
print(f"{os.path.basename(capture)}: {json.dumps(theirs, sort_keys=True)}")
