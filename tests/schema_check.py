#!/usr/bin/python3
"""Keeps scenarios/schema.json in agreement with the scenario loader.

Checks that the schema is a valid draft-07 schema; that it accepts every scenario in scenarios/,
the files of tests/data/good/ (forms of values the loader accepts that the scenario writer never
writes; `distsim validate` must accept them too), and every scenario the generator of
tests/scenario_generator.cpp writes (which use every key the loader accepts, and must together use
every key the schema names); and that it rejects every file of the bad corpus tests/data/bad/,
which `distsim validate` must reject too: the file's first line names part of the loader's
message (`# loader: ...`), its second line where the schema finds the mistake (`# schema:
/site/retry/delay`, the JSON path of one of its errors), so that neither rejects the file for
some other reason.

YAML is read as the loader reads it, not as YAML 1.1 does: only true/false are booleans, only
plain decimal numbers are numbers (`yes` and `010` stay strings, so the schema refuses them where
a boolean or a number belongs), and a duplicate key is an error.

Run by ctest (tests/CMakeLists.txt) with Debian's /usr/bin/python3, which has python3-jsonschema
and python3-yaml.
"""

import argparse
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile

try:
    import jsonschema
    import yaml
except ImportError as missing:
    sys.exit(f"schema_check: {missing}; install Debian's python3-jsonschema and python3-yaml "
             f"(apt-get install python3-jsonschema python3-yaml) and run with /usr/bin/python3")


class LoaderLikeYaml(yaml.SafeLoader):
    """YAML as distsim's loader reads it (see the module docstring)."""

    yaml_implicit_resolvers = {}

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)


for _tag, _pattern, _first in [
        ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
        ("tag:yaml.org,2002:bool", r"^(?:true|false)$", ["t", "f"]),
        ("tag:yaml.org,2002:int", r"^(?:0|[1-9][0-9]*)$", list("0123456789")),
        ("tag:yaml.org,2002:float", r"^[0-9]+\.[0-9]+$", list("0123456789"))]:
    LoaderLikeYaml.add_implicit_resolver(_tag, re.compile(_pattern), _first)


def read_yaml(path):
    with open(path, encoding="utf-8") as stream:
        return yaml.load(stream, Loader=LoaderLikeYaml)


def schema_errors(validator, document):
    return [f"/{'/'.join(str(p) for p in error.absolute_path)}: {error.message}"
            for error in validator.iter_errors(document)]


def schema_property_names(node, names):
    """Every key that some `properties` of the schema names."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                names.update(value)
            schema_property_names(value, names)
    elif isinstance(node, list):
        for item in node:
            schema_property_names(item, names)
    return names


def document_keys(node, keys, path=()):
    """Every key a scenario uses, leaving out the names users choose (package ids, DP names)."""
    if isinstance(node, dict):
        user_named = path in (("expect", "packages"),) or path[-1:] == ("distribution_points",)
        for key, value in node.items():
            if not user_named:
                keys.add(key)
            document_keys(value, keys, path + (("*",) if user_named else (key,)))
    elif isinstance(node, list):
        for item in node:
            document_keys(item, keys, path + ("[]",))
    return keys


def check_accepted(validator, paths, what):
    failures = []
    for path in paths:
        try:
            errors = schema_errors(validator, read_yaml(path))
        except yaml.YAMLError as error:
            errors = [f"cannot read: {error}"]
        failures += [f"{path}: {what} refused by the schema: {error}" for error in errors[:5]]
    return failures


def check_good_file(distsim, path):
    result = subprocess.run([distsim, "validate", str(path)], capture_output=True, text=True)
    if result.returncode == 0:
        return []
    return [f"{path}: distsim validate exited {result.returncode}, expected 0:\n{result.stderr}"]


def check_bad_file(validator, distsim, path):
    lines = path.read_text(encoding="utf-8").splitlines() + ["", ""]
    match = re.match(r"^# loader: (.+)$", lines[0])
    schema_path = re.match(r"^# schema: (/\S*)$", lines[1])
    if not match or not schema_path:
        return [f"{path}: the first lines must be '# loader: <part of the loader's message>' and "
                f"'# schema: <JSON path of a schema error>'"]
    failures = []
    try:
        errors = schema_errors(validator, read_yaml(path))
        if not errors:
            failures.append(f"{path}: the schema accepts this bad file")
        elif not any(error.startswith(schema_path.group(1) + ": ") for error in errors):
            failures.append(f"{path}: the schema finds no mistake at {schema_path.group(1)}: "
                            f"{errors}")
    except yaml.YAMLError as error:
        failures.append(f"{path}: not read as YAML, so the schema never sees it: {error}")
    result = subprocess.run([distsim, "validate", str(path)], capture_output=True, text=True)
    if result.returncode != 2:
        failures.append(f"{path}: distsim validate exited {result.returncode}, expected 2")
    if match.group(1) not in result.stderr:
        failures.append(f"{path}: the loader's errors do not mention {match.group(1)!r}:\n"
                        f"{result.stderr}")
    return failures


def generated_scenarios(tests_binary, directory, count):
    environment = dict(os.environ, DISTSIM_GENERATED_SCENARIOS_DIR=directory,
                       RC_PARAMS=f"seed=20001116 max_success={count}")
    subprocess.run([tests_binary, "[.generate]"], env=environment, check=True,
                   stdout=subprocess.DEVNULL)
    return sorted(pathlib.Path(directory).glob("*.yaml"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source-dir", required=True, type=pathlib.Path)
    parser.add_argument("--distsim", required=True, help="the distsim binary")
    parser.add_argument("--tests-binary", required=True, help="distsim_tests, which writes "
                        "generated scenarios")
    parser.add_argument("--generated", type=int, default=200, help="generated scenarios to check")
    arguments = parser.parse_args()

    schema = json.loads((arguments.source_dir / "scenarios" / "schema.json").read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)

    scenarios = sorted((arguments.source_dir / "scenarios").rglob("*.yaml"))
    good_files = sorted((arguments.source_dir / "tests" / "data" / "good").glob("*.yaml"))
    bad_files = sorted((arguments.source_dir / "tests" / "data" / "bad").glob("*.yaml"))
    failures = check_accepted(validator, scenarios, "repository scenario")
    failures += check_accepted(validator, good_files, "good file")
    for path in good_files:
        failures += check_good_file(arguments.distsim, path)
    for path in bad_files:
        failures += check_bad_file(validator, arguments.distsim, path)
    with tempfile.TemporaryDirectory() as directory:
        generated = generated_scenarios(arguments.tests_binary, directory, arguments.generated)
        failures += check_accepted(validator, generated, "generated scenario")
        used = set()
        for path in generated:
            document_keys(read_yaml(path), used)
        unused = sorted(schema_property_names(schema, set()) - used)
        if unused:
            failures.append(f"keys of the schema that no generated scenario uses (extend "
                            f"tests/scenario_generator.cpp, or drop them from the schema): {unused}")

    for failure in failures:
        print(failure)
    print(f"schema_check: {len(scenarios)} repository scenarios, {len(good_files)} good files, "
          f"{len(generated)} generated scenarios, {len(bad_files)} bad files; "
          f"{len(failures)} problems")
    if not scenarios or not good_files or not bad_files or not generated:
        print("schema_check: nothing to check in one of the four sets")
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
