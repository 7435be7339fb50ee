"""tshark as the reference for ikedecode's tests: the fields of every ISAKMP message of a capture,
read with the same IKE keys when a key file is given (by its name: a file with "ikev1" in it is an
ikev1_decryption_table, any other an ikev2_decryption_table), in a private Wireshark
configuration directory so the user's own settings never leak in."""
import os
import shutil
import subprocess
import sys
import tempfile


def isakmp_rows(capture, keyfile, fields):
    """One dict per ISAKMP frame: field -> list of its values (every occurrence, in order)."""
    config = tempfile.mkdtemp(prefix="seckit-tshark-ike-")
    try:
        os.makedirs(os.path.join(config, "wireshark"))
        if keyfile:
            table = "ikev1_decryption_table" if "ikev1" in os.path.basename(keyfile) else \
                "ikev2_decryption_table"
            shutil.copy(keyfile, os.path.join(config, "wireshark", table))
        env = dict(os.environ, XDG_CONFIG_HOME=config, HOME=config)
        cmd = ["tshark", "-n", "-r", capture, "-Y", "isakmp", "-T", "fields", "-E",
               "occurrence=a", "-E", "aggregator=|", "-E", "separator=\t"]
        for f in fields:
            cmd += ["-e", f]
        out = subprocess.run(cmd, capture_output=True, text=True, env=env)
        if out.returncode != 0:
            sys.exit(f"tshark failed: {out.stderr}")
    finally:
        shutil.rmtree(config, ignore_errors=True)
    rows = []
    for line in out.stdout.splitlines():
        cols = line.split("\t")
        cols += [""] * (len(fields) - len(cols))
        rows.append({f: (c.split("|") if c else []) for f, c in zip(fields, cols)})
    return rows
