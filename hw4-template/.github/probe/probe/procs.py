"""Lists the live processes this user can see, for the probe: one JSON line
of [pid, pgid, command, marked] per process (zombies, which have ended,
and this script itself left out). `marked` is true when an entry of the
process's environment starts with the string given as the first argument.

    python3 procs.py [NAME=VALUE, or NAME= for any value]
    python3 procs.py --tasks-of-mine

The second prints how many tasks (processes and their threads) this user
runs: what the kernel counts against RLIMIT_NPROC.

(Deno can read /proc only with --allow-all; python3 is needed anyway.)
"""

import json
import os
import sys


def tasks_of_mine():
    count = 0
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            if os.stat(f"/proc/{name}").st_uid != os.getuid():
                continue
            with open(f"/proc/{name}/status") as f:
                count += next((int(line.split()[1]) for line in f if line.startswith("Threads:")), 1)
        except (OSError, ValueError):
            continue
    return count


def main(argv):
    if argv[1:] == ["--tasks-of-mine"]:
        print(tasks_of_mine())
        return 0
    needle = argv[1].encode() if len(argv) > 1 else None
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == os.getpid():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read().decode(errors="replace")
            after = stat[stat.rindex(")") + 2:].split()
            if after[0] == "Z":
                continue
            with open(f"/proc/{name}/cmdline", "rb") as f:
                command = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
            marked = False
            if needle is not None:
                try:
                    with open(f"/proc/{name}/environ", "rb") as f:
                        marked = any(entry.startswith(needle) for entry in f.read().split(b"\0"))
                except OSError:
                    pass
            found.append([int(name), int(after[2]), command, marked])
        except (OSError, ValueError, IndexError):
            continue  # ended meanwhile
    print(json.dumps(found))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
