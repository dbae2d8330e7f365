#!/usr/bin/env python3
# Mutation testing of distsim's oracles: plants one small bug at a time in the Distribution
# Manager (model/*.cpp) and the sharing rule (sim/fs/sharing_rule.cpp), rebuilds a private copy of
# the committed sources incrementally, and runs the oracle set in two stages: first the fast
# oracles (the scenario library with traced invariant checks, `distsim explore` over a few
# thousand seeds), then, for a mutant they miss, the Catch2 suite (`--tests`: `all` or tags; it
# needs the slower test-binary build). Each mutant is KILLED (by the first oracle that failed),
# EQUIVALENT (it survived and tools/mutate/equivalent.txt argues that no test can tell it from
# the original) or SURVIVED (with its diff).
#
# The copy is a git worktree of HEAD under build/mutate/src, built in build/mutate/build: the
# working tree and its build directories are never touched. Usage:
#
#   tools/mutate/mutate.py [--sample N] [--seed S] [--seeds K] [--tests TAGS] [--jobs J]
#                          [--only TEXT]... [--list] [--check-equivalent]
#                          [--relabel-equivalent] [--report FILE] [--equivalent FILE]
#                          [--resume LOG [--retry-survivors] [--retry TEXT]...] [--commit REV]
#
# --list prints the catalogue of mutants and exits; --check-equivalent checks that every entry of
# the equivalent file still names a mutant on the line it was argued about (its `at:` line, and
# `after:` line where that code repeats), and --relabel-equivalent moves the entries whose code
# moved to exactly one other line. --only keeps the mutants whose label (as --list prints it)
# contains the text. --sample picks N of them at random (seeded) instead of
# all. --report writes a Markdown report. --resume LOG takes the verdicts an earlier run printed
# (for the same commit and sample) and judges only the rest; with --retry-survivors it also
# judges that run's survivors again, after oracles were added (--retry TEXT: only those whose
# label contains the text). --commit mutates another commit than HEAD. The tool is heavy: run it
# when nobody else needs the machine.
import argparse
import difflib
import os
import random
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WORK = os.path.join(ROOT, "build", "mutate")
SOURCE = os.path.join(WORK, "src")
BUILD = os.path.join(WORK, "build")
TARGET_GLOBS = ["model", "sim/fs/sharing_rule.cpp"]
EQUIVALENT_FILE = os.path.join(ROOT, "tools", "mutate", "equivalent.txt")
FIXED_RAPIDCHECK = "seed=20001116 max_success=100"  # as ctest runs the properties
ORACLE_TIMEOUT_S = 600


@dataclass
class Mutant:
    path: str  # relative to the source root
    line: int  # 1-based
    operator: str
    before: str  # the whole line before
    after: str  # the whole line after (may be empty: the line is deleted)
    previous: str = ""  # the line above, stripped (pins an argued-equivalent mutant)

    def label(self):
        return f"{self.path}:{self.line} {self.operator}"


def default_root():
    """The sources mutated: the private worktree once it exists, else the checkout."""
    return SOURCE if os.path.isdir(SOURCE) else ROOT


def target_files(root):
    files = []
    for entry in TARGET_GLOBS:
        full = os.path.join(root, entry)
        if entry.endswith(".cpp"):
            files.append(entry)
            continue
        for name in sorted(os.listdir(full)):
            if name.endswith(".cpp") and name != "manager_fault_injection.cpp":
                files.append(f"{entry}/{name}")
    return files


def code_part(line):
    """The line without a // comment and with string literals blanked (same length)."""
    out = []
    in_string = False
    index = 0
    while index < len(line):
        c = line[index]
        if in_string:
            if c == "\\":
                out.append("  ")
                index += 2
                continue
            out.append('"' if c == '"' else " ")
            in_string = c != '"'
        elif c == '"':
            out.append('"')
            in_string = True
        elif line.startswith("//", index):
            break
        else:
            out.append(c)
        index += 1
    return "".join(out)


RELATIONAL = [(" < ", " <= "), (" <= ", " < "), (" > ", " >= "), (" >= ", " > "),
              (" == ", " != "), (" != ", " == ")]
ARITHMETIC = [(" + ", " - "), (" - ", " + "), (" * ", " / ")]
SKIP_LINE = re.compile(r"^\s*(#|//|\*|DISTSIM_ASSERT|static_assert|namespace|}|case )")


def replace_at(line, at, old, new):
    return line[:at] + new + line[at + len(old):]


def line_mutants(path, number, line):
    code = code_part(line)
    if SKIP_LINE.match(line) or "template" in code or "operator" in code:
        return []
    if "manager_fault_injection" in code:  # the test-only switches: off, so any change is silent
        return []
    found = []
    for old, new in RELATIONAL:
        for match in re.finditer(re.escape(old), code):
            # `a < b` only; `std::vector<` and `>>` never have spaces on both sides.
            found.append(Mutant(path, number, f"relational '{old.strip()}' -> '{new.strip()}'",
                                line, replace_at(line, match.start(), old, new)))
    for old, new in ARITHMETIC:
        for match in re.finditer(re.escape(old), code):
            found.append(Mutant(path, number, f"arithmetic '{old.strip()}' -> '{new.strip()}'",
                                line, replace_at(line, match.start(), old, new)))
    for match in re.finditer(r"(?<![\w.])(\d+)(?![\w.'])", code):
        value = int(match.group(1))
        if value > 100000:
            continue
        for delta in (1, -1):
            if value + delta < 0:
                continue
            found.append(Mutant(path, number, f"constant {value} -> {value + delta}", line,
                                replace_at(line, match.start(), match.group(1),
                                           str(value + delta))))
    condition = re.match(r"^(\s*)(if|while) \((.*)\) (.*)$", line)
    if condition and code.count("(") == code.count(")"):
        indent, keyword, cond, rest = condition.groups()
        found.append(Mutant(path, number, "negated condition", line,
                            f"{indent}{keyword} (!({cond})) {rest}"))
    elif re.match(r"^\s*(if|while) \(.*\) \{$", line):
        head = line.rstrip()[:-1].rstrip()
        inner = head[head.index("(") + 1:-1]
        indent = line[:len(line) - len(line.lstrip())]
        keyword = line.split()[0]
        found.append(Mutant(path, number, "negated condition", line,
                            f"{indent}{keyword} (!({inner})) {{"))
    call = re.match(r"^(\s*)([A-Za-z_][\w.:>-]*)\(.*\);$", line)
    if call and not re.match(r"^\s*(return|if|while|for|DISTSIM_ASSERT)\b", line):
        name = call.group(2)
        operator = "dropped status message" if name == "raise" else "deleted call"
        found.append(Mutant(path, number, f"{operator} {name}()", line, ""))
    return found


def multiline_raise_mutants(path, lines):
    """`raise(...)` statements that span lines: dropping the whole statement."""
    found = []
    for index, line in enumerate(lines):
        if not re.match(r"^\s*raise\(", line) or line.rstrip().endswith(");"):
            continue
        end = index
        while end < len(lines) and not lines[end].rstrip().endswith(");"):
            end += 1
        found.append(Mutant(path, index + 1, f"dropped status message raise() ({end - index + 1} "
                            "lines)", "".join(lines[index:end + 1]), ""))
    return found


def audit_lines(lines):
    """Indices of the lines inside `#if defined(DISTSIM_AUDITS)` blocks: the audits are oracles
    (they check the manager's own bookkeeping in test builds), not the manager, so they are not
    mutated. An `#else` branch of such a block is left out too: the copy is built with the audits
    on, as CI builds it, so that branch is never compiled."""
    inside = set()
    depth = 0  # nesting of preprocessor conditionals within an audit block
    for index, line in enumerate(lines):
        directive = re.sub(r"^#\s*", "#", line.strip())  # `#  if` is `#if`
        if depth == 0:
            if re.match(r"#(if|elif)\b", directive) and "DISTSIM_AUDITS" in directive:
                depth = 1
                inside.add(index)
            continue
        inside.add(index)
        if re.match(r"#if(def|ndef)?\b", directive):
            depth += 1
        elif re.match(r"#endif\b", directive):
            depth -= 1
    return inside


def catalogue(root=None):
    root = root or default_root()
    mutants = []
    for path in target_files(root):
        with open(os.path.join(root, path)) as stream:
            lines = stream.readlines()
        found = []
        audit = audit_lines(lines)
        for index, line in enumerate(lines):
            if index not in audit:
                found.extend(line_mutants(path, index + 1, line.rstrip("\n")))
        found.extend(m for m in multiline_raise_mutants(path, lines) if m.line - 1 not in audit)
        for mutant in found:
            mutant.previous = lines[mutant.line - 2].strip() if mutant.line > 1 else ""
        mutants.extend(found)
    return mutants


def run(command, cwd=None, timeout=None, quiet=True):
    return subprocess.run(command, cwd=cwd, timeout=timeout, text=True,
                          stdout=subprocess.PIPE if quiet else None,
                          stderr=subprocess.STDOUT if quiet else None)


def prepare(jobs, tests, revision):
    os.makedirs(WORK, exist_ok=True)
    commit = run(["git", "-C", ROOT, "rev-parse", "--verify", f"{revision}^{{commit}}"])
    if commit.returncode != 0:
        sys.exit(f"no such commit: {revision}")
    commit = commit.stdout.strip()
    if not os.path.isdir(SOURCE):
        result = run(["git", "-C", ROOT, "worktree", "add", "--detach", SOURCE, commit])
        if result.returncode != 0:
            sys.exit(f"cannot create the worktree: {result.stdout}")
    else:
        run(["git", "-C", SOURCE, "checkout", "--detach", "--force", commit])
        run(["git", "-C", SOURCE, "reset", "--hard", "--quiet", commit])
    configure = ["cmake", "-S", SOURCE, "-B", BUILD, "-DCMAKE_BUILD_TYPE=RelWithDebInfo",
                 "-DDISTSIM_AUDITS=ON", f"-DDISTSIM_BUILD_TESTS={'ON' if tests else 'OFF'}"]
    if run(configure).returncode != 0:
        sys.exit("cmake configure failed")
    print("building the unmutated copy (this takes a while the first time)", flush=True)
    if build(jobs, tests) is not None:
        sys.exit("the unmutated sources do not build")


def build(jobs, tests):
    """None when the build succeeded, else the tail of its output."""
    targets = ["--target", "distsim_tests" if tests else "distsim"]
    result = run(["nice", "-n", "19", "cmake", "--build", BUILD, "-j", str(jobs)] + targets)
    return None if result.returncode == 0 else result.stdout[-2000:]


def scenario_files():
    files = []
    for directory, _, names in os.walk(os.path.join(SOURCE, "scenarios")):
        files += [os.path.join(directory, name) for name in names if name.endswith(".yaml")]
    return sorted(files)


def distsim():
    for candidate in ("tools/distsim", "tools/cli/distsim"):
        path = os.path.join(BUILD, candidate)
        if os.path.exists(path):
            return path
    sys.exit("no distsim binary in the mutation build")


def oracles(seeds):
    """The first fast oracle that fails, as text, or None when every one passes."""
    trace = os.path.join(WORK, "trace.jsonl")
    for scenario in scenario_files():
        relative = os.path.relpath(scenario, SOURCE)
        try:
            result = run([distsim(), "run", scenario, "--quiet", "--trace", trace], cwd=SOURCE,
                         timeout=ORACLE_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            return f"scenario {relative} (timeout)"
        if result.returncode != 0:
            first = next((line.strip() for line in result.stdout.splitlines()
                          if line.strip().startswith("FAIL")), f"exit {result.returncode}")
            return f"scenario {relative}: {first}"
    out = os.path.join(WORK, "explore-out")
    shutil.rmtree(out, ignore_errors=True)
    try:
        result = run([distsim(), "explore", "--seeds", str(seeds), "--jobs", "2", "--out", out],
                     timeout=ORACLE_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return "explore (timeout)"
    if result.returncode != 0:
        first = next((line for line in result.stdout.splitlines() if line.startswith("FAIL")),
                     f"exit {result.returncode}")
        return f"explore: {first.split(' -> ')[0]}"
    return None


def unit_tests(tests):
    """The first failing Catch2 test case (run like ctest runs them), or None."""
    binary = os.path.join(BUILD, "tests", "distsim_tests")
    command = [binary, "--reporter", "compact"] + ([] if tests == "all" else [tests])
    environment = dict(os.environ, RC_PARAMS=FIXED_RAPIDCHECK)
    try:
        result = subprocess.run(command, cwd=SOURCE, timeout=ORACLE_TIMEOUT_S, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=environment)
    except subprocess.TimeoutExpired:
        return f"tests {tests} (timeout)"
    if result.returncode == 0:
        return None
    failed = [line for line in result.stdout.splitlines() if "failed:" in line or "FAILED" in line]
    where = failed[0].split(": failed:")[0] if failed else f"exit {result.returncode}"
    return f"Catch2 test at {where}"


@dataclass
class Argued:
    """An entry of the equivalent file: why the mutant is equivalent, and the code it is about."""
    argument: str
    code: str = None  # the mutated line, stripped (`    at:`)
    previous: str = None  # the line above it, stripped (`    after:`), where the code repeats

    def pins(self, mutant):
        return (mutant.before.strip() == self.code
                and (self.previous is None or mutant.previous == self.previous))


PIN_LINES = {"    at: ": "code", "    after: ": "previous"}


def load_equivalent(path):
    """Label -> Argued, from lines `LABEL :: why no test can tell it from the original`, each
    followed by `    at: CODE` (the mutated line, stripped) and, where that code appears on
    several lines of the file, `    after: CODE` (the line above it)."""
    entries = {}
    if not os.path.exists(path):
        return entries
    label = None
    with open(path) as stream:
        for line in stream:
            if line.startswith("#"):
                continue
            pin = next((p for p in PIN_LINES if line.startswith(p)), None)
            if pin and label is not None:
                setattr(entries[label], PIN_LINES[pin], line[len(pin):].rstrip("\n"))
                continue
            if "::" not in line:
                continue
            label, argument = line.split("::", 1)
            label = label.strip()
            entries[label] = Argued(argument.strip())
    return entries


def equivalence(mutant, equivalent):
    """The argument that `mutant` is equivalent, or None. An entry counts only while its line
    still holds the code it was argued about: labels are keyed by line number, and an edit above
    the line would otherwise lend the argument to whatever mutant lands on that line."""
    entry = equivalent.get(mutant.label())
    return entry.argument if entry is not None and entry.pins(mutant) else None


def same_kind(mutants, label):
    """The mutants of the label's file and operator, wherever they are now."""
    path, operator = label.split(":", 1)[0], label.split(" ", 1)[1]
    return [m for m in mutants if m.path == path and m.operator == operator]


def relabel_equivalent(path, mutants):
    """Moves each entry whose pinned code is now at exactly one other label of the same file and
    operator to that label, rewriting the file; returns the moves made."""
    by_label = {m.label(): m for m in mutants}
    equivalent = load_equivalent(path)
    moves = []
    with open(path) as stream:
        lines = stream.read().splitlines()
    for index, line in enumerate(lines):
        if line.startswith("#") or line.startswith("    ") or "::" not in line:
            continue  # comments and pin lines (whose code may hold `::`)
        label, rest = line.split("::", 1)
        entry = equivalent[label.strip()]
        mutant = by_label.get(label.strip())
        if entry.code is None or (mutant is not None and entry.pins(mutant)):
            continue
        moved = [m.label() for m in same_kind(mutants, label.strip()) if entry.pins(m)]
        if len(moved) == 1:
            lines[index] = f"{moved[0]} ::{rest}"
            moves.append(f"{label.strip()} -> {moved[0]}")
    with open(path, "w") as stream:
        stream.write("\n".join(lines) + "\n")
    return moves


def check_equivalent(mutants, equivalent):
    """Problems with the equivalent file against the current catalogue: entries without a pinned
    line, pins that match several lines, entries whose label no longer names a mutant, and
    entries whose line changed (with the labels where the pinned code is now, if any)."""
    by_label = {m.label(): m for m in mutants}
    problems = []
    for label, entry in equivalent.items():
        mutant = by_label.get(label)
        if entry.code is None:
            problems.append(f"{label}: no `    at:` line pins the code it is about")
            continue
        matches = [m.label() for m in same_kind(mutants, label) if entry.pins(m)]
        if len(matches) > 1:
            problems.append(f"{label}: the pinned code is on {len(matches)} lines "
                            f"({', '.join(matches)}); add `    after:` with the line above it")
        elif mutant is None or not entry.pins(mutant):
            where = f"; the code is now at {matches[0]}" if matches else "; the code is gone"
            now = ("no such mutant" if mutant is None
                   else f"the line now reads `{mutant.before.strip()}`")
            problems.append(f"{label}: {now}{where}")
    return problems


def judge(mutant, options, equivalent):
    """The verdict on the planted mutant: (kind, detail)."""
    if build(options.jobs, "") is not None:
        return ("STILLBORN", "does not compile")
    killer = oracles(options.seeds)
    if killer is None and options.tests:
        if build(options.jobs, options.tests) is not None:
            return ("STILLBORN", "the tests do not compile")
        killer = unit_tests(options.tests)
    if killer:
        return ("KILLED", killer)
    argument = equivalence(mutant, equivalent)
    if argument is not None:
        return ("EQUIVALENT", argument)
    return ("SURVIVED", diff_of(mutant))


def apply(mutant):
    """Plants the mutant; returns the file's original text for restore()."""
    path = os.path.join(SOURCE, mutant.path)
    with open(path) as stream:
        original = stream.read()
    lines = original.splitlines(keepends=True)
    start = mutant.line - 1
    span = len(mutant.before.splitlines())
    assert "".join(lines[start:start + span]).rstrip("\n") == mutant.before.rstrip("\n")
    lines[start:start + span] = [mutant.after + "\n"] if mutant.after else []
    with open(path, "w") as stream:
        stream.write("".join(lines))
    return original


def restore(mutant, original):
    # A fresh modification time makes the next build recompile the file without the mutant.
    with open(os.path.join(SOURCE, mutant.path), "w") as stream:
        stream.write(original)


def diff_of(mutant):
    before = mutant.before.splitlines(keepends=False)
    after = mutant.after.splitlines(keepends=False) if mutant.after else []
    return "\n".join(difflib.unified_diff(before, after, f"a/{mutant.path}", f"b/{mutant.path}",
                                          lineterm="", n=0))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sample", type=int, help="run N randomly chosen mutants")
    parser.add_argument("--seed", type=int, default=1, help="seed of the sample")
    parser.add_argument("--seeds", type=int, default=3000, help="explore seeds per mutant")
    parser.add_argument("--tests", default="",
                        help="then run distsim_tests: `all`, or a Catch2 tag expression")
    parser.add_argument("--equivalent", default=EQUIVALENT_FILE,
                        help="the argued-equivalent mutants (default tools/mutate/equivalent.txt)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only", action="append", default=[],
                        help="run only mutants whose label contains this text (repeatable)")
    parser.add_argument("--resume", help="take the verdicts of the mutants this earlier log judged")
    parser.add_argument("--retry-survivors", action="store_true",
                        help="with --resume: judge the earlier survivors again (after new oracles)")
    parser.add_argument("--retry", action="append", default=[],
                        help="with --resume: judge again the earlier survivors whose label "
                             "contains this text (repeatable)")
    parser.add_argument("--commit", default="HEAD", help="the commit to mutate (default HEAD)")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--check-equivalent", action="store_true",
                        help="check that every entry of the equivalent file names a current "
                             "mutant on the line it was argued about, and exit")
    parser.add_argument("--relabel-equivalent", action="store_true",
                        help="move each entry whose code moved to exactly one other line to "
                             "that line's label, then check, and exit")
    parser.add_argument("--report", help="write a Markdown report here")
    options = parser.parse_args()
    if options.relabel_equivalent:
        for move in relabel_equivalent(options.equivalent, catalogue(ROOT)):
            print(f"moved {move}")
    if options.check_equivalent or options.relabel_equivalent:  # the checkout's sources
        problems = check_equivalent(catalogue(ROOT), load_equivalent(options.equivalent))
        for problem in problems:
            print(problem)
        if problems:
            print("an entry whose code moved to one place is relabelled by "
                  "`tools/mutate/mutate.py --relabel-equivalent`; read its argument again")
        print(f"stale entries in {os.path.relpath(options.equivalent, ROOT)}: {len(problems)}")
        sys.exit(1 if problems else 0)
    mutants = catalogue()
    if options.list:
        for mutant in mutants:
            print(mutant.label())
        print(f"{len(mutants)} mutants")
        return
    prepare(options.jobs, options.tests, options.commit)
    mutants = catalogue()  # from the worktree's (committed) sources
    chosen = [m for m in mutants if not options.only or any(o in m.label() for o in options.only)]
    if options.sample and options.sample < len(chosen):
        chosen = sorted(random.Random(options.seed).sample(chosen, options.sample),
                        key=lambda m: (m.path, m.line))
    baseline = oracles(options.seeds) or (unit_tests(options.tests) if options.tests else None)
    if baseline is not None:
        sys.exit(f"the unmutated sources already fail an oracle: {baseline}")
    equivalent = load_equivalent(options.equivalent)
    earlier = read_verdicts(options.resume) if options.resume else {}
    results = []
    started = time.time()
    for index, mutant in enumerate(chosen):
        verdict = earlier.get(mutant.label())
        retried = options.retry_survivors or any(text in mutant.label() for text in options.retry)
        if verdict and verdict[0] in ("SURVIVED", "EQUIVALENT") and retried:
            verdict = None
        if verdict and verdict[0] in ("SURVIVED", "EQUIVALENT"):
            argument = equivalence(mutant, equivalent)
            verdict = (("EQUIVALENT", argument) if argument is not None
                       else ("SURVIVED", diff_of(mutant)))
        if verdict is None:
            original = apply(mutant)
            try:
                verdict = judge(mutant, options, equivalent)
            finally:
                restore(mutant, original)
        results.append((mutant, verdict))
        print(f"[{index + 1}/{len(chosen)}] {verdict[0]} {mutant.label()}"
              + (f" by {verdict[1]}" if verdict[0] == "KILLED" else "")
              + (f": {verdict[1]}" if verdict[0] == "EQUIVALENT" else ""), flush=True)
        if verdict[0] == "SURVIVED":
            print(verdict[1], flush=True)
        if options.report:  # after every mutant, so that a stopped run still leaves its report
            write_report(results, len(chosen), len(mutants), options, time.time() - started)
    build(options.jobs, options.tests)  # leave the copy unmutated
    summarise(results, len(chosen), len(mutants), options, time.time() - started)


VERDICT_LINE = re.compile(r"^\[\d+/\d+\] (KILLED|SURVIVED|EQUIVALENT|STILLBORN) (.*)$")


def read_verdicts(path):
    """Label -> (kind, detail) for every mutant an earlier run's log judged."""
    verdicts = {}
    with open(path) as stream:
        for line in stream:
            match = VERDICT_LINE.match(line.rstrip("\n"))
            if not match:
                continue
            kind, rest = match.groups()
            if kind == "KILLED" and " by " in rest:
                label, detail = rest.split(" by ", 1)
            elif kind == "EQUIVALENT" and ": " in rest:
                label, detail = rest.split(": ", 1)
            else:
                label, detail = rest, "does not compile" if kind == "STILLBORN" else ""
            verdicts[label] = (kind, detail)
    return verdicts


def count_verdicts(results):
    counts = {}
    for _, (kind, _) in results:
        counts[kind] = counts.get(kind, 0) + 1
    viable = counts.get("KILLED", 0) + counts.get("SURVIVED", 0)
    score = 100.0 * counts.get("KILLED", 0) / viable if viable else 0.0
    return counts, score


def summarise(results, planned, catalogue_size, options, elapsed_s):
    counts, score = count_verdicts(results)
    print(f"{len(results)} of {catalogue_size} mutants run in {elapsed_s:.0f} s: "
          f"{counts.get('KILLED', 0)} killed, {counts.get('SURVIVED', 0)} survived, "
          f"{counts.get('EQUIVALENT', 0)} equivalent, {counts.get('STILLBORN', 0)} did not "
          f"compile; mutation score (killed / non-equivalent) {score:.0f}%")
    if options.report:
        write_report(results, planned, catalogue_size, options, elapsed_s)


def write_report(results, planned, catalogue_size, options, elapsed_s):
    counts, score = count_verdicts(results)
    commit = run(["git", "-C", SOURCE, "rev-parse", "--short", "HEAD"]).stdout.strip()
    lines = ["# Mutation testing report", "",
             f"Generated by `tools/mutate/mutate.py --sample {options.sample} --seed {options.seed} "
             f"--seeds {options.seeds}{' --tests ' + repr(options.tests) if options.tests else ''}` "
             f"on commit {commit}: {len(results)} of the {planned} chosen from the catalogue's "
             f"{catalogue_size} mutants{' (stopped early)' if len(results) < planned else ''}"
             + (", verdicts taken from an earlier run's log" if options.resume
                else f", {elapsed_s / 60:.0f} minutes") + ".", "",
             f"Killed {counts.get('KILLED', 0)}, survived {counts.get('SURVIVED', 0)}, argued "
             f"equivalent {counts.get('EQUIVALENT', 0)}, did not compile "
             f"{counts.get('STILLBORN', 0)}; mutation score (killed / compiled and not "
             f"equivalent) {score:.0f}%.", "",
             "| mutant | verdict | by (killed) or why no test can tell (equivalent) |",
             "|---|---|---|"]
    for mutant, (kind, detail) in results:
        by = detail.replace("|", "\\|") if kind in ("KILLED", "EQUIVALENT") else ""
        lines.append(f"| `{mutant.label()}` | {kind} | {by} |")
    survivors = [(m, d) for m, (k, d) in results if k == "SURVIVED"]
    if survivors:
        lines += ["", "## Survivors", ""]
        for mutant, diff in survivors:
            lines += [f"### {mutant.label()}", "", "```diff", diff, "```", ""]
    with open(options.report, "w") as stream:
        stream.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
