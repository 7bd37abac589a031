#!/usr/bin/env python3
"""The wasted-bytes oracle: replays a `docker save` archive's layer tars in order, as a container
runtime would unpack them, and prints what the upper layers hide, as JSON.

Independent of dockdu's method (which reads overlay2's diff directories from the top down): this
applies each layer forward onto a path table, honouring whiteouts (`.wh.NAME`: NAME and all under
it are gone), opaque directories (`.wh..wh..opq`: all the directory held before is gone) and
replacement (a path written again; a non-directory over a directory removes all under it).
Bytes are apparent: a regular file's size, a symbolic link's target length (what st_size says),
a hard-linked file once, and hidden only when none of its names is visible at the end.

    wasted-oracle.py IMAGE.tar  ->  {"totalBytes": N, "visibleBytes": N, "wastedBytes": N, "hidden": [...]}
"""
import json
import sys
import tarfile

def clean(name):
    """`./a/b/`, `a/b` -> `/a/b` (only a leading `./` goes: names may start with dots)."""
    while name.startswith("./"):
        name = name[2:]
    return "/" + name.strip("/") if name not in ("", ".") else "/"

def main(path):
    with tarfile.open(path) as archive:
        manifest = json.load(archive.extractfile("manifest.json"))
        layers = manifest[0]["Layers"]
        table = {}    # path -> (inode key, is_dir)
        sizes = {}    # inode key -> bytes
        names = {}    # inode key -> paths of it added so far (for the hidden list)
        for index, layer in enumerate(layers):
            with tarfile.open(fileobj=archive.extractfile(layer)) as tar:
                members = tar.getmembers()
            def remove_under(prefix, include_self):
                for p in [p for p in table if p.startswith(prefix + "/") or (include_self and p == prefix)]:
                    del table[p]
            # Whiteouts and opaque markers speak of the layers below: apply them first.
            for m in members:
                name = clean(m.name)
                parent, _, base = name.rpartition("/")
                if base == ".wh..wh..opq":
                    remove_under(parent, include_self=False)
                elif base.startswith(".wh."):
                    remove_under(parent + "/" + base[4:], include_self=True)
            for m in members:
                name = clean(m.name)
                base = name.rpartition("/")[2]
                if base.startswith(".wh.") or name == "/":
                    continue
                if m.isdir():
                    if name in table and not table[name][1]:
                        del table[name]
                    table[name] = (None, True)
                    continue
                if name in table and table[name][1]:
                    remove_under(name, include_self=False)
                if m.islnk():
                    target = clean(m.linkname)
                    key = table[target][0] if target in table else ("missing", index, target)
                else:
                    key = (index, name)
                    sizes[key] = m.size if m.isreg() else len(m.linkname.encode()) if m.issym() else 0
                table[name] = (key, False)
                names.setdefault(key, []).append(name)
        visible = {key for key, is_dir in table.values() if not is_dir}
        total = sum(sizes.values())
        hidden = sorted(((sizes[k], k[0], names[k][0]) for k in sizes if k not in visible and sizes[k] > 0), reverse=True)
        print(json.dumps({
            "totalBytes": total,
            "visibleBytes": sum(sizes[k] for k in visible if k in sizes),
            "wastedBytes": sum(h[0] for h in hidden),
            "hidden": [{"path": p, "bytes": b, "layer": l} for b, l, p in hidden],
        }, sort_keys=True))

if __name__ == "__main__":
    main(sys.argv[1])
