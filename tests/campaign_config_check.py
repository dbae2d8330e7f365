#!/usr/bin/python3
"""Checks the ready-made campaign configurations in tools/campaign/: each parses (YAML with
python3-yaml, shell with bash -n), has the structure its engine needs (shards whose result files
reach a merge that runs whatever the shards' status, and that publishes JUnit and reproducers),
builds and runs distsim with the packages its preset needs, passes SIGTERM on to distsim, agrees
with itself on the shard count, and passes distsim only flags that `distsim explore --help` lists.
Prints one line per problem; exit 1 if any.

--self-test breaks a copy of the configurations in known ways, one at a time, and checks that
each break is reported: a check that never fires proves nothing."""

import argparse
import fnmatch
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml


class Checker:
    def __init__(self, source_dir, distsim):
        self.source = Path(source_dir)
        self.campaign = self.source / "tools" / "campaign"
        self.distsim = distsim
        self.problems = []
        self.flags_used = set()

    def check(self, condition, message):
        if not condition:
            self.problems.append(message)
        return condition

    def note_commands(self, texts):
        for text in texts:
            self.flags_used |= distsim_flags(text)

    def check_build(self, where, build_text, runtime_text):
        """The build step's preset exists, and the runtime has what that preset links."""
        match = re.search(r"tools/setup\.sh (\S+)", build_text)
        if not self.check(match is not None, f"{where}: the build must run tools/setup.sh PRESET"):
            return
        presets = json.loads((self.source / "CMakePresets.json").read_text())
        by_name = {p["name"]: p for p in presets["configurePresets"]}
        preset = match.group(1)
        if not self.check(preset in by_name, f"{where}: no configure preset '{preset}'"):
            return
        cache = {}
        chain = [preset]
        while chain:
            entry = by_name[chain.pop()]
            for key, value in entry.get("cacheVariables", {}).items():
                cache.setdefault(key, value)
            inherits = entry.get("inherits", [])
            chain += [inherits] if isinstance(inherits, str) else inherits
        # The packages tools/setup.sh adds for this preset: `PATTERN | PATTERN) packages+=(...)`.
        setup = (self.source / "tools" / "setup.sh").read_text()
        preset_packages = set()
        for patterns, packages in re.findall(r"^\s*([^#\n()]+)\)\s*packages\+=\(([^)]*)\)",
                                             setup, re.M):
            if any(fnmatch.fnmatchcase(preset, p.strip()) for p in patterns.split("|")):
                preset_packages |= set(packages.split())
        if cache.get("DISTSIM_BUILD_BENCHMARKS") == "ON":
            self.check("libbenchmark-dev" in preset_packages or "libbenchmark-dev" in build_text,
                       f"{where}: preset '{preset}' builds the benchmarks, but neither the build "
                       "step nor tools/setup.sh installs libbenchmark-dev")
        if cache.get("DISTSIM_TCMALLOC") == "ON":
            self.check("libtcmalloc-minimal4" in runtime_text,
                       f"{where}: preset '{preset}' links tcmalloc; the jobs that run distsim must "
                       "install libtcmalloc-minimal4")

    def check_gitlab(self, path):
        pipeline = yaml.safe_load(path.read_text())
        build = pipeline.get("distsim-build", {})
        explore = pipeline.get("distsim-explore", {})
        merge = pipeline.get("distsim-merge", {})
        self.check(pipeline.get("stages") == ["build", "explore", "merge"], f"{path}: stages")
        self.check(isinstance(explore.get("parallel"), int) and explore["parallel"] >= 2,
                   f"{path}: distsim-explore needs `parallel: N` with N >= 2")
        script = shell_text(commands_of(explore.get("script")))
        self.check("--shard auto" in script and "--result" in script,
                   f"{path}: the shard jobs must use --shard auto and --result")
        self.check(re.search(r"\|\|\s*\[ \$\? -eq 1 \]\s*$", script.strip()) is not None,
                   f"{path}: a shard that exits 1 (a failing world, a gap) must count as done")
        result_dir = result_directory(script)
        shard_artifacts = explore.get("artifacts", {})
        self.check(shard_artifacts.get("when") == "always" and
                   any(result_dir and p.rstrip("/") == result_dir
                       for p in shard_artifacts.get("paths", [])),
                   f"{path}: the shard jobs must keep {result_dir}/ as artifacts always")
        self.check("distsim-explore" in merge.get("needs", []),
                   f"{path}: the merge must need the shards")
        self.check(merge.get("when") == "always",
                   f"{path}: the merge must run `when: always`, also after a shard job failed")
        merge_script = shell_text(commands_of(merge.get("script")))
        self.check(f"--merge {result_dir}/shard-*.json" in merge_script,
                   f"{path}: the merge must read the shards' {result_dir}/shard-*.json")
        artifacts = merge.get("artifacts", {})
        self.check(artifacts.get("when") == "always" and artifacts.get("reports", {}).get("junit"),
                   f"{path}: the merge must publish JUnit (artifacts:reports:junit) always")
        self.check(any("reproducers" in p for p in artifacts.get("paths", [])),
                   f"{path}: the merge must keep the reproducers as artifacts")
        for name, job in (("distsim-explore", explore), ("distsim-merge", merge)):
            self.check_build(f"{path}: {name}", shell_text(commands_of(build.get("script"))),
                             shell_text(commands_of(job.get("before_script")) +
                                        commands_of(job.get("script"))))
        self.note_commands(commands_of(pipeline))

    def check_github(self, path):
        workflow = yaml.safe_load(path.read_text())
        triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
        self.check(triggers is not None, f"{path}: no `on:` triggers")
        jobs = workflow.get("jobs", {})
        build, explore = jobs.get("build", {}), jobs.get("explore", {})
        merge = jobs.get("merge", {})
        shards = explore.get("strategy", {}).get("matrix", {}).get("shard", [])
        self.check(shards == list(range(len(shards))) and len(shards) >= 2,
                   f"{path}: the matrix must list shards 0..N-1")
        runs = shell_text(commands_of(explore.get("steps")))
        self.check(f"--shard ${{{{ matrix.shard }}}}/{len(shards)}" in runs,
                   f"{path}: the shard step must pass --shard <matrix.shard>/{len(shards)}")
        self.check(re.search(r"\|\|\s*\[ \$\? -eq 1 \]", runs) is not None,
                   f"{path}: a shard that exits 1 (a failing world, a gap) must count as done")
        self.check(explore.get("strategy", {}).get("fail-fast") is False,
                   f"{path}: fail-fast must be off so that every shard finishes")
        uploads = [s.get("with", {}) for s in explore.get("steps", [])
                   if str(s.get("uses", "")).startswith("actions/upload-artifact")]
        self.check(len(uploads) == 1 and "${{ matrix.shard }}" in str(uploads[0].get("name")),
                   f"{path}: each shard must upload its result under a name of its own "
                   "(upload-artifact v4 refuses a name twice)")
        upload_steps = [s for s in explore.get("steps", [])
                        if str(s.get("uses", "")).startswith("actions/upload-artifact")]
        self.check(all(s.get("if") == "always()" for s in upload_steps),
                   f"{path}: a shard must upload its result `if: always()`")
        prefix = str(uploads[0].get("name", "")).split("${{")[0] if uploads else ""
        downloads = [s.get("with", {}) for s in merge.get("steps", [])
                     if str(s.get("uses", "")).startswith("actions/download-artifact")]
        self.check(any(d.get("pattern") == prefix + "*" and d.get("merge-multiple") is True
                       for d in downloads),
                   f"{path}: the merge must download every `{prefix}*` artifact into one "
                   "folder (pattern, merge-multiple: true)")
        self.check("explore" in merge.get("needs", []) and
                   merge.get("if") in ("${{ !cancelled() }}", "always()"),
                   f"{path}: the merge must need the shards and run unless cancelled")
        merge_text = shell_text(commands_of(merge.get("steps")))
        self.check("--merge" in merge_text and "junit.xml" in merge_text,
                   f"{path}: the merge must run --merge with --junit junit.xml")
        merge_uploads = [s.get("with", {}) for s in merge.get("steps", [])
                         if str(s.get("uses", "")).startswith("actions/upload-artifact")]
        self.check(any("junit.xml" in str(u.get("path")) and "reproducers" in str(u.get("path"))
                       for u in merge_uploads),
                   f"{path}: the merge must upload junit.xml and the reproducers")
        for name, job in (("explore", explore), ("merge", merge)):
            self.check_build(f"{path}: job {name}", shell_text(commands_of(build.get("steps"))),
                             shell_text(commands_of(job.get("steps"))))
        self.note_commands(commands_of(workflow))

    def check_kubernetes(self, explore_path, merge_path):
        job = yaml.safe_load(explore_path.read_text())
        spec = job.get("spec", {})
        self.check(job.get("kind") == "Job" and spec.get("completionMode") == "Indexed",
                   f"{explore_path}: must be an Indexed Job")
        pod = spec.get("template", {}).get("spec", {})
        container = pod.get("containers", [{}])[0]
        environment = {item["name"]: item.get("value") for item in container.get("env", [])}
        self.check(str(spec.get("completions")) == environment.get("DISTSIM_SHARD_COUNT"),
                   f"{explore_path}: completions and DISTSIM_SHARD_COUNT must be equal")
        args = shell_text(commands_of(container.get("args")))
        self.check("--shard auto" in args and "JOB_COMPLETION_INDEX" in args and "--result" in args,
                   f"{explore_path}: the pods must use --shard auto and --result per index")
        lines = [line.strip() for line in args.splitlines() if line.strip()]
        self.check(bool(lines) and re.fullmatch(r"trap '[^']*' TERM( INT)?", lines[1] if
                                                lines[0] == "stop=0" else lines[0]) is not None,
                   f"{explore_path}: the shell is the container's PID 1, where an untrapped "
                   "signal is dropped: its first command must trap TERM")
        self.check(re.search(r"distsim explore[^&\n]*&\nexplore=\$!\n", args) is not None,
                   f"{explore_path}: distsim must run in the background (`&`, then explore=$!) "
                   "so that the shell can pass SIGTERM on")
        forward = re.search(r"while kill -0 \"\$explore\".*?\ndone", args, re.S)
        self.check(forward is not None and "kill -TERM \"$explore\"" in forward.group(0) and
                   "forwarded=1" in forward.group(0) and "sleep" in forward.group(0) and
                   "wait \"$explore\"" in forward.group(0),
                   f"{explore_path}: a loop must pass SIGTERM on to distsim once, after a pause "
                   "(its handler installed), and wait for it again until it has ended")
        self.check(lines[-2:] == ['if [ "$status" -eq 1 ]; then exit 0; fi', 'exit "$status"'],
                   f"{explore_path}: a shard that exits 1 (a failing world, a gap) must end the "
                   "pod with 0, and every other status with itself")
        self.check(subprocess.run(["sh", "-n", "-c", args]).returncode == 0,
                   f"{explore_path}: the shard command is not valid sh")
        rules = spec.get("podFailurePolicy", {}).get("rules", [])
        self.check(any(r.get("action") == "FailJob" and
                       sorted(r.get("onExitCodes", {}).get("values", [])) == [2, 3] and
                       r.get("onExitCodes", {}).get("operator") == "In" and
                       r.get("onExitCodes", {}).get("containerName") == container.get("name")
                       for r in rules),
                   f"{explore_path}: statuses 2 and 3 must fail the Job at once (podFailurePolicy)")
        merge = yaml.safe_load(merge_path.read_text())
        merge_container = (merge.get("spec", {}).get("template", {}).get("spec", {})
                           .get("containers", [{}])[0])
        merge_args = shell_text(commands_of(merge_container.get("args")))
        self.check(merge.get("kind") == "Job" and "--merge" in merge_args and
                   "--junit" in merge_args,
                   f"{merge_path}: must be a Job running --merge with --junit")
        merge_environment = {item["name"]: item.get("value")
                             for item in merge_container.get("env", [])}
        self.check(merge_environment.get("DISTSIM_CAMPAIGN_DIR") ==
                   environment.get("DISTSIM_CAMPAIGN_DIR") is not None,
                   f"{merge_path}: DISTSIM_CAMPAIGN_DIR must be the shards' one")
        self.check(claims_of(merge) == claims_of(job) != set(),
                   f"{merge_path}: must mount the shards' volume claim ({claims_of(job)})")
        fetch_path = explore_path.parent / "fetch-pod.yaml"
        fetch = yaml.safe_load(fetch_path.read_text())
        fetch_volumes = fetch.get("spec", {}).get("volumes", [])
        fetch_claims = {v.get("persistentVolumeClaim", {}).get("claimName")
                        for v in fetch_volumes} - {None}
        self.check(fetch_claims == claims_of(job),
                   f"{fetch_path}: must mount the shards' volume claim ({claims_of(job)})")
        campaign_dir = environment.get("DISTSIM_CAMPAIGN_DIR") or "?"
        self.check(f"{campaign_dir}/junit.xml" in fetch_path.read_text(),
                   f"{fetch_path}: its copy commands must name {campaign_dir}")
        pvc = yaml.safe_load((explore_path.parent / "campaign-pvc.yaml").read_text())
        self.check(pvc.get("kind") == "PersistentVolumeClaim" and
                   pvc.get("metadata", {}).get("name") in claims_of(job) and
                   "ReadWriteMany" in pvc.get("spec", {}).get("accessModes", []),
                   f"{explore_path.parent / 'campaign-pvc.yaml'}: must be the shards' claim, "
                   "ReadWriteMany")
        self.note_commands(commands_of(job) + commands_of(merge))

    def check_slurm(self, array_path, merge_path):
        texts = []
        for path in (array_path, merge_path):
            self.check(subprocess.run(["bash", "-n", str(path)]).returncode == 0,
                       f"{path}: bash -n")
            texts.append(path.read_text())
        array = re.search(r"^#SBATCH --array=0-(\d+)$", texts[0], re.M)
        self.check(array is not None, f"{array_path}: needs #SBATCH --array=0-(N-1)")
        command = shell_text([texts[0]])
        self.check(re.search(r"^exec \"\$distsim\" explore --shard auto .*--result", command,
                             re.M) is not None,
                   f"{array_path}: must exec distsim (so that SIGTERM reaches it) with "
                   "--shard auto and --result")
        self.check("--merge" in texts[1] and "--junit" in texts[1],
                   f"{merge_path}: must merge with --junit")
        readme = (self.campaign / "README.md").read_text()
        for where, text in ((array_path, texts[0]), (self.campaign / "README.md", readme)):
            self.check("--dependency=afterany:" in text and "afterok" not in text,
                       f"{where}: the merge must depend on the array with afterany (afterok "
                       "skips it exactly when a shard found a failure)")
        self.note_commands(texts)

    def check_flags(self):
        help_text = subprocess.run([self.distsim, "explore", "--help"], capture_output=True,
                                   text=True).stdout
        known = set(re.findall(r"--[a-z][a-z-]*", help_text))
        self.check(len(self.flags_used) >= 10,
                   f"found only these distsim flags in the configurations: "
                   f"{sorted(self.flags_used)}")
        for flag in sorted(self.flags_used - known):
            self.problems.append(
                f"tools/campaign uses `distsim explore {flag}`, which --help does not list")

    def run(self):
        self.check_gitlab(self.campaign / "gitlab" / "explore.gitlab-ci.yml")
        self.check_github(self.campaign / "github" / "explore.yml")
        self.check_kubernetes(self.campaign / "kubernetes" / "explore-job.yaml",
                              self.campaign / "kubernetes" / "merge-job.yaml")
        self.check_slurm(self.campaign / "slurm" / "explore-array.sbatch",
                         self.campaign / "slurm" / "merge.sbatch")
        self.check_flags()
        return self.problems


def shell_text(texts):
    """Shell text with its line continuations joined, so that a command is one line."""
    return re.sub(r"\\\n\s*", " ", "\n".join(texts))


def distsim_flags(text):
    """The --flags of every `distsim explore` command in a piece of text."""
    flags = set()
    for command in re.findall(r"distsim\"? explore(.*?)(?:\|\||&\n|$)", shell_text([text]),
                              re.S | re.M):
        flags.update(re.findall(r"(?<![\w-])--[a-z][a-z-]*", command))
    return flags


def result_directory(script):
    match = re.search(r'--result "?([\w./$-]*?)/shard-', script)
    return match.group(1) if match else None


def claims_of(document):
    volumes = document.get("spec", {}).get("template", {}).get("spec", {}).get("volumes", [])
    return {v.get("persistentVolumeClaim", {}).get("claimName") for v in volumes} - {None}


def commands_of(node):
    """Every string in a YAML tree (scripts, args, run steps)."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [text for item in node for text in commands_of(item)]
    if isinstance(node, dict):
        return [text for value in node.values() for text in commands_of(value)]
    return []


# Each break: (file under tools/campaign, text to replace, its replacement, words the report must
# contain). Every one is a mistake that would break a real campaign.
BREAKS = [
    ("gitlab/explore.gitlab-ci.yml", "      || [ $? -eq 1 ]\n", "\n", "exits 1"),
    ("gitlab/explore.gitlab-ci.yml", "      - campaign/results/\n", "      - campaign/other/\n",
     "artifacts always"),
    ("gitlab/explore.gitlab-ci.yml", "  needs: [distsim-build, distsim-explore]\n  when: always\n",
     "  needs: [distsim-build, distsim-explore]\n", "when: always"),
    ("gitlab/explore.gitlab-ci.yml", " libtcmalloc-minimal4", "", "libtcmalloc-minimal4"),
    ("gitlab/explore.gitlab-ci.yml", "tools/setup.sh release", "tools/setup.sh releas",
     "no configure preset"),
    ("../setup.sh", "release | release-*)", "release-*)", "libbenchmark-dev"),
    ("github/explore.yml", "--budget \"$DISTSIM_BUDGET\"", "--budgett \"$DISTSIM_BUDGET\"",
     "--budgett"),
    ("github/explore.yml", "name: result-${{ matrix.shard }}", "name: result", "name of its own"),
    ("github/explore.yml", "          merge-multiple: true\n", "", "merge-multiple"),
    ("github/explore.yml", "libtcmalloc-minimal4\n      - name: Explore",
     "\n      - name: Explore", "job explore: preset"),
    ("github/explore.yml", " || [ $? -eq 1 ]", "", "exits 1"),
    ("github/explore.yml", "    if: ${{ !cancelled() }}\n", "", "unless cancelled"),
    ("kubernetes/explore-job.yaml", "TERM INT", "INT", "trap TERM"),
    ("kubernetes/explore-job.yaml", "              explore=$!\n", "", "explore=$!"),
    ("kubernetes/explore-job.yaml", "                  forwarded=1\n", "", "once"),
    ("kubernetes/explore-job.yaml", "                wait \"$explore\" || status=$?\n", "",
     "wait for it again"),
    ("kubernetes/explore-job.yaml", "              exit \"$status\"\n", "              exit 0\n",
     "every other status"),
    ("kubernetes/explore-job.yaml", "containerName: explore", "containerName: shard",
     "podFailurePolicy"),
    ("kubernetes/fetch-pod.yaml", "claimName: distsim-campaign", "claimName: other",
     "volume claim"),
    ("gitlab/explore.gitlab-ci.yml",
     "  parallel: 8\n  timeout: 1h\n  before_script: *distsim-runtime\n",
     "  parallel: 8\n  timeout: 1h\n", "distsim-explore: preset"),
    ("kubernetes/explore-job.yaml", "              value: \"8\"", "              value: \"4\"",
     "completions and DISTSIM_SHARD_COUNT"),
    ("kubernetes/explore-job.yaml", "values: [2, 3]", "values: [2]", "podFailurePolicy"),
    ("kubernetes/merge-job.yaml", "claimName: distsim-campaign", "claimName: other",
     "volume claim"),
    ("kubernetes/merge-job.yaml", "value: /campaign/run-1", "value: /campaign/run-2",
     "DISTSIM_CAMPAIGN_DIR"),
    ("slurm/explore-array.sbatch", "    --budget", "    --time-lmit 5m --budget", "--time-lmit"),
    ("slurm/explore-array.sbatch", "exec \"$distsim\"", "\"$distsim\"", "exec distsim"),
    ("README.md", "--dependency=afterany:", "--dependency=afterok:", "afterany"),
]


def self_test(source_dir, distsim):
    failures = []
    clean = Checker(source_dir, distsim).run()
    if clean:
        failures.append(f"the configurations as they are report problems: {clean}")
    with tempfile.TemporaryDirectory() as scratch:
        for index, (name, old, new, expected) in enumerate(BREAKS):
            copy = Path(scratch) / str(index)
            shutil.copytree(Path(source_dir) / "tools" / "campaign", copy / "tools" / "campaign")
            (copy / "tools" / "setup.sh").write_text(
                (Path(source_dir) / "tools" / "setup.sh").read_text())
            shutil.copy(Path(source_dir) / "CMakePresets.json", copy / "CMakePresets.json")
            target = copy / "tools" / "campaign" / name
            text = target.read_text()
            if old not in text:
                failures.append(f"break {index} ({name}): the text to break is gone: {old!r}")
                continue
            target.write_text(text.replace(old, new, 1))
            problems = Checker(copy, distsim).run()
            if not any(expected in problem for problem in problems):
                failures.append(f"break {index} ({name}: {old.strip()!r} -> {new.strip()!r}) "
                                f"was not reported as '{expected}'; reported: {problems}")
    for failure in failures:
        print(failure)
    print(f"{len(BREAKS) - len(failures)} of {len(BREAKS)} planted breaks reported")
    return 1 if failures else 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--distsim", required=True)
    parser.add_argument("--self-test", action="store_true")
    options = parser.parse_args()
    if options.self_test:
        return self_test(options.source_dir, options.distsim)
    checker = Checker(options.source_dir, options.distsim)
    problems = checker.run()
    for problem in problems:
        print(problem)
    print(f"{len(problems)} problems in tools/campaign ({len(checker.flags_used)} distsim flags "
          "checked)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
