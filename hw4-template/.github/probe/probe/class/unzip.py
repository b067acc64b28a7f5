"""Unpacks one student's .zip for `deno task probe --class`, refusing any
entry that would land outside the destination folder.

    python3 unzip.py ZIP DEST

Prints one JSON line: {"files": N} once unpacked, or {"refused": "why"} with
nothing written. Refused: an absolute path, a `..` component, a symlink, more
than MAX_FILES entries or MAX_BYTES in all (a zip bomb), a file that is not a zip.
"""

import json
import os
import stat
import sys
import zipfile

MAX_FILES = 1000  # a homework is a few files; a course-site export adds a folder or two
MAX_BYTES = 64 * 1024 * 1024  # unpacked, in all


def why_refused(infos):
    total = 0
    if len(infos) > MAX_FILES:
        return f"it holds {len(infos)} entries, more than {MAX_FILES}"
    for info in infos:
        name = info.filename
        parts = name.replace("\\", "/").split("/")
        if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
            return f"the entry {name!r} has an absolute path"
        if ".." in parts:
            return f"the entry {name!r} leaves the submission's folder"
        if stat.S_ISLNK(info.external_attr >> 16):
            return f"the entry {name!r} is a symbolic link"
        total += info.file_size
        if total > MAX_BYTES:
            return f"it unpacks to more than {MAX_BYTES // (1024 * 1024)} MiB"
    return None


def main(argv):
    path, dest = argv[1], argv[2]
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            refused = why_refused(infos)
            if refused:
                print(json.dumps({"refused": refused}))
                return 0
            count = 0
            for info in infos:
                target = os.path.join(dest, info.filename)
                if info.is_dir():
                    os.makedirs(target, exist_ok=True)
                    continue
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with archive.open(info) as source, open(target, "wb") as out:
                    out.write(source.read(MAX_BYTES + 1)[:MAX_BYTES])
                count += 1
    except (zipfile.BadZipFile, OSError, RuntimeError, ValueError, NotImplementedError) as error:
        print(json.dumps({"refused": f"not a zip that can be read ({error})"}))
        return 0
    print(json.dumps({"files": count}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
