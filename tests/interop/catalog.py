#!/usr/bin/env python3
"""hookcat interop suite: the catalog as the providers' own frameworks see it.

Every GitHub event of ``hookcat events list --provider github`` is rendered with
``hookcat events show NAME --json`` and parsed by githubkit's webhook models
(``githubkit.webhooks.parse_obj``), which are generated from GitHub's current
webhook schema: a payload that a githubkit receiver would refuse with 422 fails here.

Usage: catalog.py [--binary PATH] [--result-file PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

from githubkit.webhooks import parse_obj  # noqa: E402


def hookcat_json(binary: str, *args: str):
    out = subprocess.run([binary, *args], capture_output=True, check=True)
    return json.loads(out.stdout)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--binary", default=os.path.join(ROOT, "target", "debug", "hookcat"))
    ap.add_argument("--result-file")
    args = ap.parse_args()
    passed = failed = 0
    events = hookcat_json(args.binary, "events", "list", "--provider", "github", "--json")
    for e in events:
        shown = hookcat_json(args.binary, "events", "show", e["name"], "--json")
        event = dict((k.lower(), v) for k, v in shown["headers"])["x-github-event"]
        try:
            parse_obj(event, json.loads(shown["body"]))
        except Exception as ex:  # noqa: BLE001 - any refusal is the finding
            failed += 1
            print(f"FAIL [github] {e['name']}: githubkit refuses the payload:\n    {ex}", flush=True)
        else:
            passed += 1
    print(f"catalog.py: {passed} GitHub events accepted by githubkit, {failed} refused", flush=True)
    if args.result_file:
        with open(args.result_file, "w") as f:
            json.dump({"passed": passed, "failed": failed}, f)
    sys.exit(1 if failed or not passed else 0)


if __name__ == "__main__":
    main()
