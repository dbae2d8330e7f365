#!/usr/bin/python3
"""Checks the ready-made campaign configurations in tools/campaign/: each parses (YAML with
python3-yaml, shell with bash -n), has the structure its engine needs (shards, then a merge that
publishes JUnit and reproducers), agrees with itself on the shard count, and passes distsim only
flags that `distsim explore --help` lists. Prints one line per problem; exit 1 if any."""

import argparse
import re
import subprocess
import sys
from pathlib import Path

import yaml

problems = []


def check(condition, message):
    if not condition:
        problems.append(message)
    return condition


def distsim_flags(text):
    """The --flags of every `distsim explore` command in a piece of text."""
    flags = set()
    for command in re.findall(r"distsim\"? explore(.*?)(?:\|\||$)", text, re.S | re.M):
        flags.update(re.findall(r"(?<![\w-])--[a-z][a-z-]*", command))
    return flags


def commands_of(node):
    """Every string in a YAML tree (scripts, args, run steps)."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [text for item in node for text in commands_of(item)]
    if isinstance(node, dict):
        return [text for value in node.values() for text in commands_of(value)]
    return []


def check_gitlab(path):
    pipeline = yaml.safe_load(path.read_text())
    explore = pipeline.get("distsim-explore", {})
    merge = pipeline.get("distsim-merge", {})
    check(pipeline.get("stages") == ["build", "explore", "merge"], f"{path}: stages")
    check(isinstance(explore.get("parallel"), int) and explore["parallel"] >= 2,
          f"{path}: distsim-explore needs `parallel: N` with N >= 2")
    script = "\n".join(commands_of(explore.get("script")))
    check("--shard auto" in script and "--result" in script,
          f"{path}: the shard jobs must use --shard auto and --result")
    check("distsim-explore" in merge.get("needs", []), f"{path}: the merge must need the shards")
    check("--merge" in "\n".join(commands_of(merge.get("script"))), f"{path}: merge without --merge")
    artifacts = merge.get("artifacts", {})
    check(artifacts.get("when") == "always" and artifacts.get("reports", {}).get("junit"),
          f"{path}: the merge must publish JUnit (artifacts:reports:junit) always")
    check(any("reproducers" in p for p in artifacts.get("paths", [])),
          f"{path}: the merge must keep the reproducers as artifacts")
    return commands_of(pipeline)


def check_github(path):
    workflow = yaml.safe_load(path.read_text())
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    check(triggers is not None, f"{path}: no `on:` triggers")
    jobs = workflow.get("jobs", {})
    explore, merge = jobs.get("explore", {}), jobs.get("merge", {})
    shards = explore.get("strategy", {}).get("matrix", {}).get("shard", [])
    check(shards == list(range(len(shards))) and len(shards) >= 2,
          f"{path}: the matrix must list shards 0..N-1")
    runs = "\n".join(commands_of(explore.get("steps")))
    check(f"--shard ${{{{ matrix.shard }}}}/{len(shards)}" in runs,
          f"{path}: the shard step must pass --shard <matrix.shard>/{len(shards)}")
    check(explore.get("strategy", {}).get("fail-fast") is False,
          f"{path}: fail-fast must be off so that every shard finishes")
    check("explore" in merge.get("needs", []) and merge.get("if") == "always()",
          f"{path}: the merge must need the shards and run always()")
    merge_text = "\n".join(commands_of(merge.get("steps")))
    check("--merge" in merge_text and "junit.xml" in merge_text and "reproducers" in merge_text,
          f"{path}: the merge must run --merge and upload junit.xml and the reproducers")
    return commands_of(workflow)


def check_kubernetes(explore_path, merge_path):
    job = yaml.safe_load(explore_path.read_text())
    spec = job.get("spec", {})
    check(job.get("kind") == "Job" and spec.get("completionMode") == "Indexed",
          f"{explore_path}: must be an Indexed Job")
    container = spec.get("template", {}).get("spec", {}).get("containers", [{}])[0]
    environment = {item["name"]: item.get("value") for item in container.get("env", [])}
    check(str(spec.get("completions")) == environment.get("DISTSIM_SHARD_COUNT"),
          f"{explore_path}: completions and DISTSIM_SHARD_COUNT must be equal")
    args = "\n".join(commands_of(container.get("args")))
    check("--shard auto" in args and "JOB_COMPLETION_INDEX" in args and "--result" in args,
          f"{explore_path}: the pods must use --shard auto and --result per index")
    merge = yaml.safe_load(merge_path.read_text())
    merge_args = "\n".join(commands_of(merge))
    check(merge.get("kind") == "Job" and "--merge" in merge_args and "--junit" in merge_args,
          f"{merge_path}: must be a Job running --merge with --junit")
    return commands_of(job) + commands_of(merge)


def check_slurm(array_path, merge_path):
    texts = []
    for path in (array_path, merge_path):
        check(subprocess.run(["bash", "-n", str(path)]).returncode == 0, f"{path}: bash -n")
        texts.append(path.read_text())
    array = re.search(r"^#SBATCH --array=0-(\d+)$", texts[0], re.M)
    check(array is not None, f"{array_path}: needs #SBATCH --array=0-(N-1)")
    check("--shard auto" in texts[0] and "--result" in texts[0],
          f"{array_path}: must use --shard auto and --result")
    check("--merge" in texts[1] and "--junit" in texts[1], f"{merge_path}: must merge with --junit")
    return texts


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--distsim", required=True)
    options = parser.parse_args()
    campaign = Path(options.source_dir) / "tools" / "campaign"
    texts = []
    texts += check_gitlab(campaign / "gitlab" / "explore.gitlab-ci.yml")
    texts += check_github(campaign / "github" / "explore.yml")
    texts += check_kubernetes(campaign / "kubernetes" / "explore-job.yaml",
                              campaign / "kubernetes" / "merge-job.yaml")
    texts += check_slurm(campaign / "slurm" / "explore-array.sbatch",
                         campaign / "slurm" / "merge.sbatch")
    help_text = subprocess.run([options.distsim, "explore", "--help"], capture_output=True,
                               text=True).stdout
    known = set(re.findall(r"--[a-z][a-z-]*", help_text))
    used = set()
    for text in texts:
        used |= distsim_flags(text)
    check(len(used) >= 8, f"found only these distsim flags in the configurations: {sorted(used)}")
    for flag in sorted(used - known):
        problems.append(f"tools/campaign uses `distsim explore {flag}`, which --help does not list")
    for problem in problems:
        print(problem)
    print(f"{len(problems)} problems in tools/campaign ({len(used)} distsim flags checked)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
