"""Strict Kubernetes schema validation of rendered manifests, with kubernetes-validate.

    validate_schemas.py --minor 1.35 [--minor 1.36 ...] FILE...

Every document of every FILE (multi-document YAML) is validated against the OpenAPI schemas of
each Kubernetes minor given, in strict mode: a field the schema does not define is an error, as
it is for `kubectl apply --validate=strict`. The schemas ship inside the kubernetes-validate
wheel; nothing is fetched.

A kind the core schemas do not define (a custom resource: cert-manager, Cilium, ...) cannot be
validated here: it is listed, with its count, as not validated, never counted as valid.

Prints one line per problem and one summary line per minor; prints a JSON report on the last line
(prefixed "REPORT ") for the test that runs this. Exit 0 when every core object is valid at every
minor, 1 when one is not, 2 on bad usage (an unknown minor, an unreadable file).
"""

import argparse
import json
import sys
from collections import Counter

import kubernetes_validate
import yaml
from kubernetes_validate import utils


def load_documents(path):
    with open(path, encoding="utf-8") as handle:
        return [doc for doc in yaml.safe_load_all(handle) if doc is not None]


def describe(doc):
    meta = doc.get("metadata") or {}
    where = f"{meta['namespace']}/" if meta.get("namespace") else ""
    return f"{doc.get('apiVersion')} {doc.get('kind')} {where}{meta.get('name')}"


def error_path(err):
    return ".".join(str(p) for p in err.absolute_path) or "(top level)"


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minor", action="append", required=True, help="Kubernetes minor, e.g. 1.35")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args(argv)

    shipped = {utils.major_minor(v) for v in utils.all_versions()}
    for minor in args.minor:
        # kubernetes-validate silently falls back to the newest older schema it has; a minor it
        # does not ship must be an error instead, or "validated at 1.38" would be untrue.
        if minor not in shipped:
            print(f"error: kubernetes-validate {kubernetes_validate.__version__} ships no schemas for Kubernetes {minor} "
                  f"(it has {', '.join(sorted(shipped, key=lambda v: tuple(map(int, v.split('.')))))})")
            return 2

    try:
        docs = [(path, doc) for path in args.files for doc in load_documents(path)]
    except (OSError, yaml.YAMLError) as exc:
        print(f"error: {exc}")
        return 2

    report = {"validator": f"kubernetes-validate {kubernetes_validate.__version__}", "minors": args.minor,
              "objects": len(docs), "valid": {}, "invalid": [], "notValidated": {}}
    not_validated = Counter()
    for minor in args.minor:
        valid = 0
        for path, doc in docs:
            try:
                utils.validate(doc, minor, strict=True)
                valid += 1
            except utils.SchemaNotFoundError:
                if minor == args.minor[0]:
                    not_validated[f"{doc.get('apiVersion')} {doc.get('kind')}"] += 1
            except utils.ValidationError as err:
                line = f"{path}: {describe(doc)}: at {error_path(err)}: {err.message} (Kubernetes {minor}, strict)"
                report["invalid"].append(line)
                print(line)
        report["valid"][minor] = valid
        print(f"Kubernetes {minor}: {valid} of {len(docs)} objects valid (strict)")
    report["notValidated"] = dict(sorted(not_validated.items()))
    if not_validated:
        kinds = ", ".join(f"{kind} x{count}" for kind, count in sorted(not_validated.items()))
        print(f"not validated: {sum(not_validated.values())} custom resources, no schema offline: {kinds}")
    print("REPORT " + json.dumps(report, sort_keys=True))
    return 1 if report["invalid"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
