#!/usr/bin/env python3
"""Validates seckit JSON Lines streams against the JSON Schemas in docs/schema/.

    validate_jsonl.py SCHEMA_DIR STREAM.jsonl...

Each file is one tool run (`--json`). The convention (docs/json.md, docs/DEVELOPING.md):

  SCHEMA_DIR/envelope.json        every line: {"type": T, "data": {...}} and nothing else
  SCHEMA_DIR/<tool>/<T>.json      the `data` of record type T emitted by <tool>
  SCHEMA_DIR/common/<T>.json      the shared types (begin, summary, finding), used when the tool
                                  has no file of its own for T
  SCHEMA_DIR/common/defs.json     shared definitions, referenced as "../common/defs.json#/..."

The tool is named by the stream's `begin` record, which must be the first line; `summary` must be
the last, and its exit_code the run's exit status (read from STREAM.rc when that file exists). A
run that stops on a usage/input or environment error (exit 2 or 3) before `begin` has an empty
stream; after `begin` it closes with a summary too: the tool's own (certcheck and otpgen report
per-input errors as records and end normally with exit 2), or, when the run was cut short, one
whose verdict is "error" and whose `error` object says what failed (validated against
common/summary.json, whatever the tool's own counts are). A record type without a schema file is an error: a new record type is documented (and
given a schema) in the same change that emits it. Exit 0 when every line validates, 1 otherwise.
"""
import json
import pathlib
import sys
import warnings

import jsonschema

# RefResolver is deprecated in recent jsonschema releases but is what Debian 12's 4.10 offers.
warnings.filterwarnings("ignore", category=DeprecationWarning)

VALIDATOR = jsonschema.Draft7Validator


def load_store(schema_dir):
    store = {}
    for path in sorted(schema_dir.rglob("*.json")):
        try:
            schema = json.loads(path.read_text())
        except json.JSONDecodeError as e:
            sys.exit(f"validate_jsonl: {path}: not JSON: {e}")
        VALIDATOR.check_schema(schema)
        store[path.resolve().as_uri()] = schema
    return store


class Validators:
    def __init__(self, schema_dir):
        self.dir = schema_dir.resolve()
        self.store = load_store(self.dir)
        self.cache = {}

    def get(self, rel):
        path = self.dir / rel
        uri = path.as_uri()
        if uri not in self.store:
            return None
        if uri not in self.cache:
            schema = self.store[uri]
            resolver = jsonschema.RefResolver(base_uri=uri, referrer=schema, store=self.store)
            self.cache[uri] = VALIDATOR(schema, resolver=resolver)
        return self.cache[uri]

    def for_record(self, tool, record_type):
        for rel in (f"{tool}/{record_type}.json", f"common/{record_type}.json"):
            v = self.get(rel)
            if v is not None:
                return v, rel
        return None, None


def describe(error):
    where = "/".join(str(p) for p in error.absolute_path) or "(top)"
    return f"at data/{where}: {error.message}"


def exit_status(path):
    rc_file = path.with_suffix(".rc")
    return int(rc_file.read_text().strip()) if rc_file.exists() else None


def validate_stream(validators, path, seen):
    problems = []
    lines = path.read_text().splitlines()
    rc = exit_status(path)
    aborted = rc in (2, 3)
    if not lines:
        return [] if aborted else [f"{path}: empty stream"]
    envelope = validators.get("envelope.json")
    tool = None
    for number, text in enumerate(lines, 1):
        where = f"{path.name}:{number}"
        try:
            line = json.loads(text)
        except json.JSONDecodeError as e:
            problems.append(f"{where}: not JSON: {e}")
            continue
        for e in envelope.iter_errors(line):
            problems.append(f"{where}: envelope {e.message}")
        if not isinstance(line, dict) or not isinstance(line.get("type"), str):
            continue
        record_type = line["type"]
        if number == 1:
            if record_type != "begin":
                problems.append(f"{where}: first record is {record_type!r}, not 'begin'")
            else:
                tool = line.get("data", {}).get("tool")
        data = line.get("data")
        if number == len(lines):
            if record_type != "summary":
                problems.append(f"{where}: last record is {record_type!r}, not 'summary'")
            elif rc is not None and isinstance(data, dict) and data.get("exit_code") != rc:
                problems.append(f"{where}: summary exit_code {data.get('exit_code')} but the "
                                f"run exited {rc}")
        if tool is None:
            problems.append(f"{where}: no begin record names the tool")
            break
        validator, rel = validators.for_record(tool, record_type)
        if record_type == "summary" and isinstance(data, dict) and "error" in data:
            validator, rel = validators.get("common/summary.json"), "common/summary.json"
        if validator is None:
            problems.append(f"{where}: no schema for record type {record_type!r} of {tool} "
                            f"(add docs/schema/{tool}/{record_type}.json)")
            continue
        seen.add(rel)
        for e in sorted(validator.iter_errors(data), key=lambda e: list(e.path)):
            problems.append(f"{where}: {record_type} ({rel}) {describe(e)}")
    return problems


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    validators = Validators(pathlib.Path(sys.argv[1]))
    seen = set()
    problems = []
    streams = [pathlib.Path(p) for p in sys.argv[2:]]
    records = 0
    for path in streams:
        records += len(path.read_text().splitlines())
        problems += validate_stream(validators, path, seen)
    for p in problems[:200]:
        print(f"FAIL: {p}", file=sys.stderr)
    print(f"validate_jsonl: {len(streams)} streams, {records} records, "
          f"{len(seen)} schema files exercised, {len(problems)} problems")
    unused = sorted(rel for rel in (str(p.relative_to(validators.dir))
                                    for p in validators.dir.glob("*/*.json"))
                    if not rel.startswith("common/") and rel not in seen)
    if unused:
        print(f"validate_jsonl: not exercised by these streams: {', '.join(unused)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
