#!/usr/bin/env python3
"""Writes a small OCI image layout for the push tests and benchmark: one layer per --layer
(a gzip'd tar holding the named files, content from a seeded generator so runs can differ),
an OCI config, a manifest, and index.json naming it --ref.

    make_layout.py --dir DIR --ref NAME [--seed S] --layer 'etc/hello.txt=12,app/data.bin=5M' ...
"""
import argparse
import gzip
import hashlib
import io
import json
import os
import random
import tarfile


def size_of(text):
    units = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
    if text[-1].lower() in units:
        return int(float(text[:-1]) * units[text[-1].lower()])
    return int(text)


def put_blob(root, data):
    digest = hashlib.sha256(data).hexdigest()
    path = os.path.join(root, "blobs", "sha256", digest)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    return "sha256:" + digest, len(data)


def layer(spec, rng):
    raw = io.BytesIO()
    diff = hashlib.sha256()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for item in spec.split(","):
            name, _, size = item.partition("=")
            data = rng.randbytes(size_of(size)) if size_of(size) > 64 else \
                (f"{name} {rng.random()}\n".encode()[: size_of(size)] or b"")
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), 0o644, 0
            tar.addfile(info, io.BytesIO(data))
    tar_bytes = raw.getvalue()
    diff.update(tar_bytes)
    gz = gzip.compress(tar_bytes, compresslevel=1, mtime=0)
    return gz, "sha256:" + diff.hexdigest()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--ref", default="latest")
    p.add_argument("--seed", default="1")
    p.add_argument("--layer", action="append", required=True)
    a = p.parse_args()
    rng = random.Random(a.seed)
    os.makedirs(a.dir, exist_ok=True)
    layers, diff_ids = [], []
    for spec in a.layer:
        gz, diff_id = layer(spec, rng)
        digest, size = put_blob(a.dir, gz)
        layers.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                       "digest": digest, "size": size})
        diff_ids.append(diff_id)
    config = json.dumps({"architecture": "amd64", "os": "linux",
                         "config": {"Cmd": ["/bin/sh"]},
                         "rootfs": {"type": "layers", "diff_ids": diff_ids}},
                        separators=(",", ":")).encode()
    cdigest, csize = put_blob(a.dir, config)
    manifest = json.dumps({"schemaVersion": 2,
                           "mediaType": "application/vnd.oci.image.manifest.v1+json",
                           "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                      "digest": cdigest, "size": csize},
                           "layers": layers}, separators=(",", ":")).encode()
    mdigest, msize = put_blob(a.dir, manifest)
    with open(os.path.join(a.dir, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)
    with open(os.path.join(a.dir, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": [
            {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": mdigest,
             "size": msize, "annotations": {"org.opencontainers.image.ref.name": a.ref}}]}, f)
    print(mdigest)


if __name__ == "__main__":
    main()
