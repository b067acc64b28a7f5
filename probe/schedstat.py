"""Tells the probe how long a server's threads, and the probe's own, have
waited for a CPU (Linux's run_delay, the second field of
/proc/PID/task/TID/schedstat), for `server_clock.ts`:

    python3 -I -S schedstat.py PROBE

For each line ROOT it reads, it prints one line: a JSON object of
nanoseconds by thread ("PID/TID"), over ROOT and every process below it, and
the probe's main thread (PROBE) as "probe". A line "refresh ROOT" first looks
again for the processes below ROOT. It ends when its input does.

(Deno can read /proc only with --allow-all.)
"""

import json
import os
import sys


def run_delay(path):
    """The run_delay of a schedstat file, or None where it cannot be read."""
    try:
        with open(path) as f:
            return int(f.read().split()[1])
    except (OSError, IndexError, ValueError):
        return None


def process_tree(root):
    """ROOT and every process below it, from each process's parent in /proc/PID/stat."""
    children = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read().decode(errors="replace")
        except OSError:
            continue
        # The command name, in parentheses, may hold anything: the fields after it are fixed.
        parent = int(stat[stat.rindex(")") + 2:].split()[1])
        children.setdefault(parent, []).append(int(name))
    tree = [root]
    for pid in tree:
        tree.extend(children.get(pid, []))
    return tree


def waits(tree, probe):
    """Nanoseconds waited for a CPU, by thread."""
    found = {}
    own = run_delay(f"/proc/{probe}/task/{probe}/schedstat")
    if own is not None:
        found["probe"] = own
    for pid in tree:
        try:
            threads = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for tid in threads:
            ns = run_delay(f"/proc/{pid}/task/{tid}/schedstat")
            if ns is not None:
                found[f"{pid}/{tid}"] = ns
    return found


def main(argv):
    probe = int(argv[1])
    trees = {}
    for line in sys.stdin:
        words = line.split()
        root = int(words[-1])
        if root not in trees or words[0] == "refresh":
            trees[root] = process_tree(root)
        sys.stdout.write(json.dumps(waits(trees[root], probe)) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv)
