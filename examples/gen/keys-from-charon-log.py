#!/usr/bin/env python3
"""Writes a Wireshark ikev2_decryption_table line for the IKE SA in a capture, from the
initiator's charon log at "ike 4" (which dumps Sk_ei/Sk_er/Sk_ai/Sk_ar) and the SPIs tshark
reads from the capture; with --ikev1, an ikev1_decryption_table line (initiator cookie,
phase-1 encryption key from charon's "encryption key Ka" dump).

    keys-from-charon-log.py CHARON_LOG CAPTURE ENCR_NAME INTEG_NAME > table
    keys-from-charon-log.py --ikev1 CHARON_LOG CAPTURE > table

ENCR_NAME / INTEG_NAME are Wireshark's names, e.g. "AES-CBC-256 [RFC3602]" and
"HMAC_SHA2_256_128 [RFC4868]". Only the first IKE SA of the log is written."""
import re
import subprocess
import sys

ikev1 = sys.argv[1] == "--ikev1"
if ikev1:
    log, capture = sys.argv[2:4]
else:
    log, capture, encr, integ = sys.argv[1:5]
keys = {}
current = None
for line in open(log, encoding="utf-8", errors="replace"):
    m = re.search(r"\] (Sk_(?:ei|er|ai|ar)|encryption key Ka)(?: secret)? => (\d+) bytes", line)
    if m:
        current = m.group(1) if m.group(1) not in keys else None
        if current:
            keys[current] = ""
        continue
    m = re.search(r"\]\s+\d+: ((?:[0-9A-F]{2} ){1,16})", line)
    if m and current:
        keys[current] += m.group(1).replace(" ", "").lower()
        continue
    current = None
if ikev1:
    if "encryption key Ka" not in keys:
        sys.exit(f"{log}: no \"encryption key Ka\" dump (log at ike 4)")
    rows = subprocess.run(["tshark", "-r", capture, "-Y", "isakmp", "-T", "fields", "-e",
                           "isakmp.ispi"], capture_output=True, text=True, check=True).stdout
    print(f'{rows.split()[0]},{keys["encryption key Ka"]}')
    sys.exit(0)
if len(keys) != 4:
    sys.exit(f"{log}: found {sorted(keys)} of Sk_ei/Sk_er/Sk_ai/Sk_ar")
rows = subprocess.run(
    ["tshark", "-r", capture, "-Y", "isakmp", "-T", "fields", "-e", "isakmp.ispi",
     "-e", "isakmp.rspi"],
    capture_output=True, text=True, check=True).stdout.splitlines()
spis = next((r.split() for r in rows if len(r.split()) == 2 and r.split()[1].strip("0")), None)
if not spis:
    sys.exit(f"{capture}: no IKE SA with both SPIs")
# Wireshark's UAT file syntax: byte fields as bare hex, text fields quoted.
print(f'{spis[0]},{spis[1]},{keys["Sk_ei"]},{keys["Sk_er"]},"{encr}",'
      f'{keys["Sk_ai"]},{keys["Sk_ar"]},"{integ}"')
