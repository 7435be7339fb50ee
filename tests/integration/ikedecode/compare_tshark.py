#!/usr/bin/env python3
"""Field-by-field comparison of ikedecode --json with tshark on one capture.

    compare_tshark.py CAPTURE [KEYFILE]

tshark (Wireshark's ISAKMP dissector, with the same keys in its ikev2_decryption_table or
ikev1_decryption_table when a key file is given, by its name) is the reference. Every IKE message tshark shows must be reported by
ikedecode in the same frame with the same SPIs, exchange type, message ID, payload sequence
(outer, then decrypted inner payloads), notify types, vendor IDs, SKF fragment numbers,
certificate encodings, ID types, AUTH methods and transform IDs / IKEv1 attributes. Any
difference is a failure; the script prints every one and exits 1."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
from tshark_ike import isakmp_rows  # noqa: E402

capture = sys.argv[1]
keyfile = sys.argv[2] if len(sys.argv) > 2 else None

FIELDS = [
    "frame.number", "isakmp.ispi", "isakmp.rspi", "isakmp.exchangetype", "isakmp.messageid",
    "isakmp.typepayload", "isakmp.notify.msgtype", "isakmp.vid_bytes", "isakmp.frag.number",
    "isakmp.frag.total", "isakmp.cert.encoding", "isakmp.certreq.type", "isakmp.id.type", "isakmp.auth.method",
    "isakmp.tf.type", "isakmp.tf.id.encr", "isakmp.tf.id.prf", "isakmp.tf.id.integ",
    "isakmp.tf.id.dh", "isakmp.tf.id.esn", "isakmp.ike2.attr.key_length",
    "isakmp.ike.attr.encryption_algorithm", "isakmp.ike.attr.hash_algorithm",
    "isakmp.ike.attr.authentication_method", "isakmp.ike.attr.group_description",
    "isakmp.prop.number", "isakmp.ts.start_ipv4", "isakmp.ts.end_ipv4",
    # IKEv1 decrypted payloads and phase-2 (IPsec DOI) attributes.
    "isakmp.prop.protoid", "isakmp.ipsec.attr.life_type", "isakmp.ipsec.attr.life_duration",
    "isakmp.ipsec.attr.group_description", "isakmp.ipsec.attr.encap_mode",
    "isakmp.ipsec.attr.auth_algorithm", "isakmp.ipsec.attr.key_length", "isakmp.id.data.fqdn",
    "isakmp.hash", "isakmp.sig", "isakmp.nonce", "isakmp.delete.protoid", "isakmp.delete.spi",
]

reference = {int(row["frame.number"][0]): row for row in isakmp_rows(capture, keyfile, FIELDS)}

cmd = ["ikedecode", "--json", "--messages", capture]
if keyfile:
    cmd[1:1] = ["--keys", keyfile]
ours_out = subprocess.run(cmd, capture_output=True, text=True)
if ours_out.returncode not in (0, 1, 4):  # 4: inconclusive (an incomplete SA, no IKE)
    sys.exit(f"ikedecode exit {ours_out.returncode}: {ours_out.stderr}")
# One frame may hold several messages for tshark too: an IKEv1 fragment that completes a message
# is followed by the reassembled message; the values of all of them are compared in order.
ours = {}
for line in ours_out.stdout.splitlines():
    rec = json.loads(line)
    if rec["type"] == "ike_message":
        ours.setdefault(rec["data"]["source"]["frame"], []).append(rec["data"])

problems = []


def check(frame, what, theirs, mine):
    if theirs != mine:
        problems.append(f"frame {frame}: {what}: tshark {theirs} ikedecode {mine}")


def ints(values):
    return [int(v, 0) for v in values]


if sorted(reference) != sorted(ours):
    problems.append(f"IKE frames: tshark {sorted(reference)} ikedecode {sorted(ours)}")

for frame in sorted(set(reference) & set(ours)):
    t, ms = reference[frame], ours[frame]
    m = ms[-1]
    v2 = m["version"].startswith("2")
    check(frame, "spi_i", t["isakmp.ispi"], [x["spi_i"] for x in ms])
    check(frame, "spi_r", t["isakmp.rspi"], [x["spi_r"] for x in ms])
    check(frame, "exchange type", ints(t["isakmp.exchangetype"]), [x["exchange"] for x in ms])
    check(frame, "message id", ints(t["isakmp.messageid"]), [x["message_id"] for x in ms])
    payloads = [p for x in ms for p in x["payloads"]]
    # tshark lists proposal (2) and transform (3) substructures among the payload types.
    check(frame, "payload sequence", [p for p in ints(t["isakmp.typepayload"]) if p not in (2, 3)],
          [p["type"] for p in payloads])
    check(frame, "notify types", ints(t["isakmp.notify.msgtype"]),
          [p["notify_type"] for p in payloads if "notify_type" in p])
    check(frame, "vendor ids", t["isakmp.vid_bytes"],
          [p["vendor_id"] for p in payloads if "vendor_id" in p])
    skf = [p for p in payloads if p["type"] == 53]
    check(frame, "SKF numbers", ints(t["isakmp.frag.number"]), [p["fragment_number"] for p in skf])
    check(frame, "SKF totals", ints(t["isakmp.frag.total"]), [p["total_fragments"] for p in skf])
    check(frame, "cert encodings", ints(t["isakmp.cert.encoding"]),
          [p["encoding"] for p in payloads if p["type"] == (37 if v2 else 6)])
    check(frame, "certreq encodings", ints(t["isakmp.certreq.type"]),
          [p["encoding"] for p in payloads if p["type"] == (38 if v2 else 7)])
    check(frame, "id types", ints(t["isakmp.id.type"]),
          [p["id_type"] for p in payloads if "id_type" in p and p["type"] in (5, 35, 36)])
    check(frame, "auth methods", ints(t["isakmp.auth.method"]),
          [p["method"] for p in payloads if p["type"] == 39])
    transforms = [tf for p in payloads if "proposals" in p
                  for prop in p["proposals"] for tf in prop["transforms"]]
    check(frame, "proposal numbers", ints(t["isakmp.prop.number"]),
          [prop["number"] for p in payloads if "proposals" in p for prop in p["proposals"]])
    if v2:
        check(frame, "transform types", ints(t["isakmp.tf.type"]), [tf["type"] for tf in transforms])
        for field, ttype in (("encr", 1), ("prf", 2), ("integ", 3), ("dh", 4), ("esn", 5)):
            check(frame, f"{field} ids", ints(t[f"isakmp.tf.id.{field}"]),
                  [tf["id"] for tf in transforms if tf["type"] == ttype])
        check(frame, "key lengths", ints(t["isakmp.ike2.attr.key_length"]),
              [tf["key_length"] for tf in transforms if "key_length" in tf])
        selectors = [s for p in payloads if "selectors" in p for s in p["selectors"]]
        check(frame, "TS start", t["isakmp.ts.start_ipv4"],
              [s["start_address"] for s in selectors if s["type"] == 7])
        check(frame, "TS end", t["isakmp.ts.end_ipv4"],
              [s["end_address"] for s in selectors if s["type"] == 7])
    else:
        proposals = [prop for p in payloads if "proposals" in p for prop in p["proposals"]]
        check(frame, "proposal protocols", ints(t["isakmp.prop.protoid"]),
              [prop["protocol"] for prop in proposals])
        # Phase 1 (ISAKMP proposals) and phase 2 (IPsec DOI) attributes are different registries.
        phase1 = [tf for prop in proposals if prop["protocol"] == 1 for tf in prop["transforms"]]
        phase2 = [tf for prop in proposals if prop["protocol"] != 1 for tf in prop["transforms"]]
        for field, atype in (("encryption_algorithm", 1), ("hash_algorithm", 2),
                             ("authentication_method", 3), ("group_description", 4)):
            check(frame, field, ints(t[f"isakmp.ike.attr.{field}"]),
                  [a["value"] for tf in phase1 for a in tf["attributes"] if a["type"] == atype])
        for field, atype in (("life_type", 1), ("life_duration", 2), ("group_description", 3),
                             ("encap_mode", 4), ("auth_algorithm", 5), ("key_length", 6)):
            check(frame, f"ipsec {field}", ints(t[f"isakmp.ipsec.attr.{field}"]),
                  [a["value"] for tf in phase2 for a in tf["attributes"] if a["type"] == atype])
        check(frame, "FQDN IDs", t["isakmp.id.data.fqdn"],
              [p["value"]["text"] for p in payloads if p["type"] == 5 and p.get("id_type") == 2])
        for field, ptype in (("hash", 8), ("sig", 9)):
            check(frame, field, t[f"isakmp.{field}"],
                  [p["hex"] for p in payloads if p["type"] == ptype])
        check(frame, "nonces", t["isakmp.nonce"], [p["nonce"] for p in payloads if p["type"] == 10])
        deletes = [p for p in payloads if p["type"] == 12]
        check(frame, "delete protocols", ints(t["isakmp.delete.protoid"]),
              [p["protocol"] for p in deletes])
        check(frame, "delete SPIs", t["isakmp.delete.spi"], [s for p in deletes for s in p["spis"]])

name = os.path.basename(capture)
if problems:
    print(f"{name}: {len(problems)} difference(s) from tshark")
    for p in problems:
        print("  " + p)
    sys.exit(1)
print(f"{name}: {len(reference)} IKE messages agree with tshark field by field")
