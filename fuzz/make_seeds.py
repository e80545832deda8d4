#!/usr/bin/env python3
"""Seeds for the fuzz targets added for issue 17 part 3 and issue 18 (fuzz/corpus/<target>/),
and reproducers for suspected findings (written to a separate folder, never to the corpus).

Usage: make_seeds.py REPO SDJWT_DIR REPRO_DIR
  REPO       the repository (/work/main)
  SDJWT_DIR  output of `node oid4vc.mjs sdjwt issue --out DIR --count 1`
  REPRO_DIR  where to put the reproducers (large or crashing inputs)

Needs Python 3 with `cryptography` >= 44 (Argon2id, ChaCha20-Poly1305).
"""
import base64
import gzip
import hashlib
import json
import os
import re
import struct
import sys
import zlib

from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

REPO, SDJWT, REPRO = sys.argv[1], sys.argv[2], sys.argv[3]
CORPUS = os.path.join(REPO, "fuzz", "corpus")
MiB = 1024 * 1024


def out(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def repro(name, data):
    os.makedirs(REPRO, exist_ok=True)
    with open(os.path.join(REPRO, name), "wb") as f:
        f.write(data)


def read(path):
    with open(path, "rb") as f:
        return f.read()


B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58decode(s):
    n = 0
    for c in s:
        n = n * 58 + B58.index(c)
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return b"\0" * (len(s) - len(s.lstrip("1"))) + body


def b58encode(b):
    n = int.from_bytes(b, "big")
    s = ""
    while n:
        n, r = divmod(n, 58)
        s = B58[r] + s
    return "1" * (len(b) - len(b.lstrip(b"\0"))) + s


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def zlib_of_repeated(byte, n, chunk=MiB):
    """zlib stream of `n` copies of `byte`, built without holding n bytes."""
    c = zlib.compressobj(9)
    parts = []
    block = byte * chunk
    left = n
    while left > 0:
        take = min(left, chunk)
        parts.append(c.compress(block[:take]))
        left -= take
    parts.append(c.flush())
    return b"".join(parts)


# ---------------------------------------------------------------- PDF portfolios

def pdf_classic(objects, version=b"1.4"):
    """objects: list of bytes bodies for objects 1..n (catalog is 1)."""
    buf = bytearray(b"%PDF-" + version + b"\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(buf))
        buf += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(buf)
    buf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for o in offsets:
        buf += b"%010d 00000 n \n" % o
    buf += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(buf)


def stream(dict_body, data, flate=True):
    if flate:
        data = zlib.compress(data, 9)
        dict_body += b"/Filter/FlateDecode"
    return b"<<" + dict_body + b"/Length %d>>\nstream\n" % len(data) + data + b"\nendstream"


def stream_raw(dict_body, raw):
    return b"<<" + dict_body + b"/Length %d>>\nstream\n" % len(raw) + raw + b"\nendstream"


def portfolio(manifest, presentation, flate=True, pres_stream=None):
    """Objects: 1 catalog, 2 pages, 3 page, 4 names, 5/6 manifest spec/file, 7/8 presentation."""
    objs = [
        b"<</Type/Catalog/Pages 2 0 R/PageMode/UseAttachments/Names<</EmbeddedFiles 4 0 R>>/AF[5 0 R 7 0 R]>>",
        b"<</Type/Pages/Count 1/Kids[3 0 R]>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>",
        b"<</Names[(manifest.json) 5 0 R(presentation.json) 7 0 R]>>",
        b"<</Type/Filespec/F(manifest.json)/UF(manifest.json)/AFRelationship/Data/EF<</F 6 0 R/UF 6 0 R>>>>",
        stream(b"/Type/EmbeddedFile/Subtype/application#2Fjson", manifest, flate),
        b"<</Type/Filespec/F(presentation.json)/UF(presentation.json)/AFRelationship/Data/EF<</F 8 0 R/UF 8 0 R>>>>",
        pres_stream if pres_stream is not None else stream(b"/Type/EmbeddedFile/Subtype/application#2Fjson", presentation, flate),
    ]
    return pdf_classic(objs)


def pdf_objstm(manifest, presentation, padding=0):
    """PDF 1.5: dictionaries in one object stream (9), a cross-reference stream (10). The
    object stream's content is followed by `padding` spaces (a Flate bomb when large)."""
    inner = {
        1: b"<</Type/Catalog/Pages 2 0 R/Names<</EmbeddedFiles 4 0 R>>>>",
        2: b"<</Type/Pages/Count 1/Kids[3 0 R]>>",
        3: b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>",
        4: b"<</Names[(manifest.json) 5 0 R(presentation.json) 7 0 R]>>",
        5: b"<</Type/Filespec/F(manifest.json)/EF<</F 6 0 R>>>>",
        7: b"<</Type/Filespec/F(presentation.json)/EF<</F 8 0 R>>>>",
    }
    body = b""
    header = []
    for num, o in inner.items():
        header.append(b"%d %d" % (num, len(body)))
        body += o + b"\n"
    head = b" ".join(header) + b"\n"
    c = zlib.compressobj(9)
    packed = c.compress(head + body)
    left = padding
    block = b" " * MiB
    while left > 0:
        take = min(left, MiB)
        packed += c.compress(block[:take])
        left -= take
    packed += c.flush()
    buf = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for num, body_ in (
        (6, stream(b"/Type/EmbeddedFile", manifest)),
        (8, stream(b"/Type/EmbeddedFile", presentation)),
        (9, stream_raw(b"/Type/ObjStm/N %d/First %d/Filter/FlateDecode" % (len(inner), len(head)), packed)),
    ):
        offsets[num] = len(buf)
        buf += b"%d 0 obj\n" % num + body_ + b"\nendobj\n"
    offsets[10] = len(buf)
    rows = b""
    for num in range(11):
        if num == 0:
            rows += struct.pack(">BIH", 0, 0, 0xFFFF)
        elif num in inner:
            rows += struct.pack(">BIH", 2, 9, list(inner).index(num))
        else:
            rows += struct.pack(">BIH", 1, offsets[num], 0)
    x = zlib.compress(rows, 9)
    buf += b"10 0 obj\n" + stream_raw(b"/Type/XRef/Size 11/W[1 4 2]/Root 1 0 R/Filter/FlateDecode", x) + b"\nendobj\n"
    buf += b"startxref\n%d\n%%%%EOF\n" % offsets[10]
    return bytes(buf)


def portfolio_seeds():
    pdf = None
    for cand in sorted(os.listdir("/tmp")):
        p = os.path.join("/tmp", cand, "portfolio.pdf")
        if cand.startswith("mcx-web-") and os.path.exists(p):
            pdf = read(p)
            break
    if pdf is None:
        raise SystemExit("no portfolio.pdf from an E2E run under /tmp/mcx-web-*/ (make one with `mcx share --pdf`)")
    # The attachments of a real portfolio made by the wallet (printpdf): manifest and presentation.
    att = {}
    for m in re.finditer(rb"\n(\d+) 0 obj\s*<<(/Type/EmbeddedFile.*?)>>\s*stream\r?\n", pdf, re.S):
        d = m.group(2)
        n = int(re.search(rb"/Length (\d+)", d).group(1))
        raw = pdf[m.end(): m.end() + n]
        att[int(m.group(1))] = zlib.decompress(raw) if b"FlateDecode" in d else raw
    manifest = next(v for v in att.values() if b"presentationSha256" in v)
    presentation = next(v for v in att.values() if b"VerifiablePresentation" in v)
    assert json.loads(manifest)["presentationSha256"] == hashlib.sha256(presentation).hexdigest()
    t = "portfolio_read"
    out(t, "portfolio-real.pdf", portfolio(manifest, presentation))
    tiny_vp = json.dumps({"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"],
                          "verifiableCredential": []}).encode()
    tiny_manifest = json.dumps({"presentationSha256": hashlib.sha256(tiny_vp).hexdigest(), "learner": None,
                                "credentials": []}).encode()
    out(t, "portfolio-uncompressed.pdf", portfolio(tiny_manifest, tiny_vp, flate=False))
    out(t, "portfolio-altered-manifest.pdf", portfolio(b'{"presentationSha256":"00","credentials":[{"id":null,"title":"x","sha256":"00"}]}', tiny_vp))
    out(t, "portfolio-objstm-xrefstream.pdf", pdf_objstm(tiny_manifest, tiny_vp))
    # Two Flate layers on the presentation.
    twice = zlib.compress(zlib.compress(tiny_vp, 9), 9)
    out(t, "portfolio-flate-twice.pdf", portfolio(tiny_manifest, tiny_vp, pres_stream=stream_raw(
        b"/Type/EmbeddedFile/Filter[/FlateDecode/FlateDecode]", twice)))
    # EmbeddedFiles as a name tree with Kids.
    objs = [
        b"<</Type/Catalog/Pages 2 0 R/Names<</EmbeddedFiles 4 0 R>>>>",
        b"<</Type/Pages/Count 1/Kids[3 0 R]>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>",
        b"<</Kids[9 0 R 10 0 R]>>",
        b"<</Type/Filespec/F(manifest.json)/EF<</F 6 0 R>>>>",
        stream(b"/Type/EmbeddedFile", tiny_manifest),
        b"<</Type/Filespec/F(presentation.json)/EF<</F 8 0 R>>>>",
        stream(b"/Type/EmbeddedFile", tiny_vp),
        b"<</Limits[(manifest.json)(manifest.json)]/Names[(manifest.json) 5 0 R]>>",
        b"<</Limits[(presentation.json)(presentation.json)]/Names[(presentation.json) 7 0 R]>>",
    ]
    out(t, "portfolio-name-tree-kids.pdf", pdf_classic(objs))
    # Flate bombs. An attachment inflating past the 16 MiB limit (refused by read.rs) ...
    bomb = zlib_of_repeated(b" ", 16 * MiB + 1024)
    out(t, "portfolio-bomb-attachment.pdf", portfolio(tiny_manifest, tiny_vp, pres_stream=stream_raw(
        b"/Type/EmbeddedFile/Filter/FlateDecode", bomb)))
    # ... and an object stream inflating to 24 MiB while the document loads: lopdf's
    # Document::load_mem applies no limit to object and cross-reference streams.
    out(t, "portfolio-bomb-objstm.pdf", pdf_objstm(tiny_manifest, tiny_vp, padding=24 * MiB))

    # Reproducers (not corpus): 4 GiB object stream; 300 names sharing one 16 MiB attachment.
    repro("portfolio-objstm-bomb-4GiB.pdf", pdf_objstm(tiny_manifest, tiny_vp, padding=4096 * MiB))
    exact = zlib_of_repeated(b" ", 16 * MiB)
    pairs = b"".join(b"(a%d.json) 5 0 R" % i for i in range(300))
    objs = [
        b"<</Type/Catalog/Pages 2 0 R/Names<</EmbeddedFiles 4 0 R>>>>",
        b"<</Type/Pages/Count 1/Kids[3 0 R]>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>",
        b"<</Names[" + pairs + b"]>>",
        b"<</Type/Filespec/F(a.json)/EF<</F 6 0 R>>>>",
        stream_raw(b"/Type/EmbeddedFile/Filter/FlateDecode", exact),
    ]
    repro("portfolio-300-names-one-16MiB-stream.pdf", pdf_classic(objs))
    pdf_load_repros()
    return presentation


# ---------------------------------------------------------------- backups

def pdf_load_repros():
    """PDFs that cost lopdf's loader far more than their size (each refused by read.rs's load
    budget, issue 17): the objects are placeholders, the load never gets to them."""
    # A cross-reference stream's object stream whose first dictionary is 15 MiB of empty names
    # (/ / / ...): 15 KB on disk, a second to parse (fuzz/findings/timeout-60eb19f4...).
    head = b"1 0\n"
    c = zlib.compressobj(9)
    parts = [c.compress(head + b"<</Type/Catalog/Names<<")]
    block = b"/" * MiB
    for _ in range(15):
        parts.append(c.compress(block))
    parts.append(c.compress(b">>>>\n"))
    parts.append(c.flush())
    packed = b"".join(parts)
    buf = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    off_objstm = len(buf)
    buf += b"2 0 obj\n" + stream_raw(b"/Type/ObjStm/N 1/First %d/Filter/FlateDecode" % len(head), packed) + b"\nendobj\n"
    off_xref = len(buf)
    rows = struct.pack(">BIH", 0, 0, 0xFFFF) + struct.pack(">BIH", 2, 2, 0) + struct.pack(">BIH", 1, off_objstm, 0)
    rows += struct.pack(">BIH", 1, off_xref, 0)
    buf += b"3 0 obj\n" + stream_raw(b"/Type/XRef/Size 4/W[1 4 2]/Root 1 0 R/Filter/FlateDecode", zlib.compress(rows, 9)) + b"\nendobj\n"
    buf += b"startxref\n%d\n%%%%EOF\n" % off_xref
    repro("portfolio-objstm-15MiB-of-names.pdf", bytes(buf))

    # A cross-reference table listing one 1 MiB stream as 20,000 objects: each entry is read
    # again, and lopdf holds every copy until the load ends (46 s and 20 GB of memory for a
    # 1.4 MB file, with lopdf 0.44 as it is).
    buf = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    at = len(buf)
    buf += b"1 0 obj\n" + stream_raw(b"/Type/EmbeddedFile", b"x" * MiB) + b"\nendobj\n"
    xref = len(buf)
    n = 20000
    buf += b"xref\n0 %d\n0000000000 65535 f \n" % (n + 1)
    buf += (b"%010d 00000 n \n" % at) * n
    buf += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (n + 1, xref)
    repro("portfolio-xref-one-stream-20000-times.pdf", bytes(buf))

    # A cross-reference stream declaring 4,000,000,000 entries with fields zero bytes wide:
    # lopdf reads each from no data and keeps it (158 bytes; 100 million took 11.5 s and
    # 2.9 GB, this many never ends).
    buf = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    buf += b"1 0 obj\n<</Type/Catalog>>\nendobj\n"
    at = len(buf)
    buf += b"2 0 obj\n" + stream_raw(b"/Type/XRef/Size 4000000000/W[0 0 0]/Root 1 0 R", b"") + b"\nendobj\n"
    buf += b"startxref\n%d\n%%%%EOF\n" % at
    repro("portfolio-xref-stream-4G-empty-entries.pdf", bytes(buf))

    # A /Prev chain of 100 cross-reference streams, each 1.5 KB inflating to 1 MiB of entries:
    # lopdf inflates and reads every one before any object (1.5 s; 1,000 of them took 15 s).
    buf = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    at = len(buf)
    buf += b"1 0 obj\n<</Type/Catalog>>\nendobj\n"
    count = MiB // 7
    packed = zlib.compress(struct.pack(">BIH", 1, at, 0) * count, 9)
    prev = None
    for i in range(100):
        here = len(buf)
        d = b"/Type/XRef/Size %d/W[1 4 2]/Root 1 0 R/Filter/FlateDecode" % count
        if prev is not None:
            d += b"/Prev %d" % prev
        buf += b"%d 0 obj\n" % (i + 2) + stream_raw(d, packed) + b"\nendobj\n"
        prev = here
    buf += b"startxref\n%d\n%%%%EOF\n" % prev
    repro("portfolio-xref-prev-chain-of-100.pdf", bytes(buf))

    # Object streams whose objects lopdf parses from their offset to the stream's end: one
    # 400 KB array listed as 1,000 objects at one offset (3 KB; 60 s and 23 GB), and 99 arrays
    # nested in each other, each listed as an object (1.5 KB; 5.4 s and 5.9 GB).
    def objstm_pdf(index, body, n):
        content = index + body
        buf = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
        off_cat = len(buf)
        buf += b"1 0 obj\n<</Type/Catalog>>\nendobj\n"
        off_objstm = len(buf)
        buf += b"2 0 obj\n" + stream_raw(b"/Type/ObjStm/N %d/First %d/Filter/FlateDecode" % (n, len(index)),
                                         zlib.compress(content, 9)) + b"\nendobj\n"
        off_xref = len(buf)
        rows = b"".join(struct.pack(">BIH", t, o, g) for t, o, g in
                        [(0, 0, 0xFFFF), (1, off_cat, 0), (1, off_objstm, 0), (1, off_xref, 0)])
        buf += b"3 0 obj\n" + stream_raw(b"/Type/XRef/Size 4/W[1 4 2]/Root 1 0 R/Filter/FlateDecode",
                                         zlib.compress(rows, 9)) + b"\nendobj\n"
        buf += b"startxref\n%d\n%%%%EOF\n" % off_xref
        return bytes(buf)
    index = b" ".join(b"%d 0" % (i + 10) for i in range(1000)) + b" "
    repro("portfolio-objstm-one-array-1000-times.pdf", objstm_pdf(index, b"[" + b"1 " * 200000 + b"]", 1000))
    index = b" ".join(b"%d %d" % (i + 10, i) for i in range(99)) + b" "
    repro("portfolio-objstm-99-nested-arrays.pdf", objstm_pdf(index, b"[" * 99 + b"1 " * 500000 + b"]" * 99, 99))

    # 2,000 streams whose length is one 200 KB array, named indirectly (/Length 1 0 R): lopdf
    # parses the array again for each stream (230 KB; 11 s, and 5,000 of them 27 s).
    buf = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offs = {1: len(buf)}
    buf += b"1 0 obj\n[" + b"1 " * 100000 + b"]\nendobj\n"
    offs[2] = len(buf)
    buf += b"2 0 obj\n<</Type/Catalog>>\nendobj\n"
    for k in range(3, 2003):
        offs[k] = len(buf)
        buf += b"%d 0 obj\n<</Length 1 0 R>>\nstream\nxx\nendstream\nendobj\n" % k
    xref = len(buf)
    buf += b"xref\n0 2003\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % offs[k] for k in range(1, 2003))
    buf += b"trailer\n<</Size 2003/Root 2 0 R>>\nstartxref\n%d\n%%%%EOF\n" % xref
    repro("portfolio-2000-streams-one-length-object.pdf", bytes(buf))


def _rotl(v, c):
    return ((v << c) & 0xFFFFFFFF) | (v >> (32 - c))


def _qr(s, a, b, c, d):
    M = 0xFFFFFFFF
    s[a] = (s[a] + s[b]) & M; s[d] ^= s[a]; s[d] = _rotl(s[d], 16)
    s[c] = (s[c] + s[d]) & M; s[b] ^= s[c]; s[b] = _rotl(s[b], 12)
    s[a] = (s[a] + s[b]) & M; s[d] ^= s[a]; s[d] = _rotl(s[d], 8)
    s[c] = (s[c] + s[d]) & M; s[b] ^= s[c]; s[b] = _rotl(s[b], 7)


def hchacha20(key, nonce16):
    s = [0x61707865, 0x3320646E, 0x79622D32, 0x6B206574] + list(struct.unpack("<8I", key)) + list(
        struct.unpack("<4I", nonce16))
    for _ in range(10):
        _qr(s, 0, 4, 8, 12); _qr(s, 1, 5, 9, 13); _qr(s, 2, 6, 10, 14); _qr(s, 3, 7, 11, 15)
        _qr(s, 0, 5, 10, 15); _qr(s, 1, 6, 11, 12); _qr(s, 2, 7, 8, 13); _qr(s, 3, 4, 9, 14)
    return struct.pack("<8I", *(s[0:4] + s[12:16]))


def xchacha_seal(key, plain, aad, nonce=None):
    """Sealer::seal: nonce (24) || XChaCha20-Poly1305(ciphertext || tag)."""
    nonce = nonce if nonce is not None else os.urandom(24)
    sub = hchacha20(key, nonce[:16])
    return nonce + ChaCha20Poly1305(sub).encrypt(b"\0" * 4 + nonce[16:], plain, aad)


def self_test():
    # draft-irtf-cfrg-xchacha-03 §2.2.1 and A.3.1; RFC 9106 §5.3.
    k = bytes(range(32))
    n = bytes.fromhex("000000090000004a0000000031415927")
    assert hchacha20(k, n).hex() == "82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc"
    pt = (b"Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future,"
          b" sunscreen would be it.")
    ct = xchacha_seal(bytes(range(0x80, 0xA0)), pt, bytes.fromhex("50515253c0c1c2c3c4c5c6c7"),
                      nonce=bytes(range(0x40, 0x58)))
    assert ct[24:56].hex() == "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb"
    assert ct[-16:].hex() == "c0875924c1c7987947deafd8780acf49"
    tag = Argon2id(salt=b"\x02" * 16, length=32, iterations=3, lanes=4, memory_cost=32,
                   ad=b"\x04" * 12, secret=b"\x03" * 8).derive(b"\x01" * 32)
    assert tag.hex() == "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659"


MAGIC = b"MCXBACKUP1\n"
PASSPHRASE = b"fuzz"  # the harness's passphrase (fuzz_targets/backup_restore.rs)


def backup_file(bundle, m_cost=8, t_cost=1, p_cost=1, passphrase=PASSPHRASE):
    data_key = os.urandom(32)
    salt = os.urandom(16)
    kek = Argon2id(salt=salt, length=32, iterations=t_cost, lanes=p_cost, memory_cost=m_cost).derive(passphrase)
    wrapped = {"version": 1, "mCost": m_cost, "tCost": t_cost, "pCost": p_cost, "salt": salt.hex(),
               "sealed": xchacha_seal(kek, data_key, b"microcredx/data-key").hex()}
    plain = json.dumps(bundle, separators=(",", ":")).encode()
    env = {"key": wrapped, "sealed": base64.b64encode(xchacha_seal(data_key, plain, MAGIC)).decode()}
    return MAGIC + json.dumps(env, separators=(",", ":")).encode()


def backup_seeds(sdjwt_valid):
    net = os.path.join(REPO, "assets", "network")
    cred1 = read(os.path.join(net, "credentials", "agile-project-management-maria-ionescu-1.json"))
    cred2 = read(os.path.join(net, "credentials", "green-transition-in-industry-maria-ionescu-1.json"))
    header = lambda src: {"importedAt": "2026-11-23T08:40:00Z", "source": src, "forced": False}
    # The W3C vc-di-eddsa key pair (src/did/mod.rs tests): a valid holder key file.
    pub = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
    holder = json.dumps({"id": f"did:key:{pub}#{pub}", "type": "Multikey", "controller": f"did:key:{pub}",
                         "publicKeyMultibase": pub,
                         "secretKeyMultibase": "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"})
    b64 = lambda b: base64.b64encode(b).decode()
    caches = [
        ["registry", b64(read(os.path.join(net, "registry.json")))],
        ["status:https://th-nordstadt.example/status/revocation-1", b64(read(os.path.join(net, "status", "thn-revocation.json")))],
        ["did:did:web:th-nordstadt.example", b64(read(os.path.join(net, "dids", "thn.json")))],
    ]
    full = {"version": 1, "created": "2026-11-23T08:45:00+00:00",
            "originals": [[header("agile.json"), b64(cred1)], [header("green.json"), b64(cred2)]],
            "holder": holder, "holderP256": b64(b"\x01" * 32), "caches": caches}
    old = {"version": 1, "created": "2026-01-01T00:00:00+00:00",
           "originals": [[header(None), b64(cred1)]], "holder": holder, "caches": []}
    sd = {"version": 1, "created": "2026-12-03T08:00:00+00:00",
          "originals": [[{"importedAt": "2026-12-03T08:00:00Z", "source": "valid.sd-jwt", "forced": True}, b64(sdjwt_valid)]],
          "holder": holder, "holderP256": b64(b"\x02" * 32), "caches": [["did:vct:urn:eudi:micro_credential:1", b64(b'"x"')]]}
    empty = {"version": 1, "created": "2026-11-23T08:45:00+00:00", "originals": [], "holder": holder, "caches": []}
    t = "backup_restore"
    # First byte: bit 0 = 0 a whole backup file, 1 a bundle the harness seals; bit 1 = merge.
    out(t, "file-full.bin", b"\x00" + backup_file(full))
    out(t, "file-full-merge.bin", b"\x02" + backup_file(full))
    out(t, "file-empty.bin", b"\x00" + backup_file(empty))
    out(t, "file-old-no-p256.bin", b"\x00" + backup_file(old))
    out(t, "file-two-lanes.bin", b"\x00" + backup_file(empty, m_cost=16, t_cost=2, p_cost=2))
    out(t, "file-wrong-passphrase.bin", b"\x00" + backup_file(empty, passphrase=b"other"))
    out(t, "file-not-json.bin", b"\x00" + MAGIC + b"{")
    pj = lambda b: json.dumps(b, separators=(",", ":")).encode()
    out(t, "bundle-full.bin", b"\x01" + pj(full))
    out(t, "bundle-full-merge.bin", b"\x03" + pj(full))
    out(t, "bundle-old-no-p256.bin", b"\x01" + pj(old))
    out(t, "bundle-sd-jwt.bin", b"\x01" + pj(sd))
    bad = dict(full, caches=[["registry", "not base64!"]])
    out(t, "bundle-bad-cache.bin", b"\x03" + pj(bad))
    bad = dict(empty, holderP256=b64(b"\xff" * 32))
    out(t, "bundle-bad-p256.bin", b"\x01" + pj(bad))

    # Reproducers: key-derivation costs taken from the file before the passphrase is checked.
    for name, m, tc, p in (("backup-kdf-4TiB-memory.mcxbackup", 0xFFFFFFFF, 1, 1),
                           ("backup-kdf-4G-passes.mcxbackup", 8, 0xFFFFFFFF, 1),
                           ("backup-kdf-16M-lanes.mcxbackup", 0xFFFFFFFF, 1, 0xFFFFFF)):
        env = {"key": {"version": 1, "mCost": m, "tCost": tc, "pCost": p, "salt": "00" * 16,
                       "sealed": "00" * 72}, "sealed": ""}
        repro(name, MAGIC + json.dumps(env).encode())


# ---------------------------------------------------------------- rules and catalogues

def stack_seeds():
    t = "rules_catalogue"
    cases = os.path.join(REPO, "tests", "fixtures", "stack", "cases")
    for f in sorted(os.listdir(cases)):
        case = json.loads(read(os.path.join(cases, f)))
        stem = f.rsplit(".", 1)[0]
        if "rules" in case:
            out(t, f"rules-{stem}.json", json.dumps(case["rules"], indent=1))
        if "catalogue" in case:
            out(t, f"catalogue-{stem}.json", json.dumps(case["catalogue"], indent=1))
    q = os.path.join(REPO, "assets", "network", "qualifications")
    for f in sorted(os.listdir(q)):
        out(t, f"rules-network-{f}", read(os.path.join(q, f)))
    out(t, "catalogue-network.json", read(os.path.join(REPO, "assets", "network", "catalogue.json")))


# ---------------------------------------------------------------- DID documents

def did_seeds():
    t = "did_document"
    d = os.path.join(REPO, "assets", "network", "dids")
    for f in sorted(os.listdir(d)):
        out(t, f"network-{f}", read(os.path.join(d, f)))
    jwks = json.loads(read(os.path.join(SDJWT, "jwks.json")))["keys"]
    p256 = next(k for k in jwks if k.get("crv") == "P-256")
    ed = next(k for k in jwks if k.get("crv") == "Ed25519")
    web = "did:web:uni.example"
    p384 = "z82LkuBieyGShVBhvtE2zoiD6Kma4tJGFtkAhxR5pfkp5QPw4LutoYWhvQCnGjdVn14kujQ"
    p256mk = "zDnaepBuvsQ8cpsWrVKw8fbpGpvPeNSjVPTWoq6cRqaYzBKVP"
    edmk = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
    out(t, "jwk-p256-and-okp.json", json.dumps({
        "@context": ["https://www.w3.org/ns/did/v1"], "id": web,
        "verificationMethod": [
            {"id": "#es256", "type": "JsonWebKey", "controller": web, "publicKeyJwk": p256},
            {"id": f"{web}#ed", "type": "JsonWebKey2020", "controller": web, "publicKeyJwk": ed}],
        "assertionMethod": ["#es256", f"{web}#ed"], "authentication": [f"{web}#ed"]}, indent=1))
    out(t, "embedded-relationships.json", json.dumps({
        "id": web,
        "assertionMethod": [{"id": "#p384", "type": "Multikey", "controller": web, "publicKeyMultibase": p384}],
        "authentication": [{"id": f"{web}#p256", "type": "Multikey", "publicKeyMultibase": p256mk}, "#p384"],
        "capabilityInvocation": "#p384", "keyAgreement": [f"{web}#p256"]}, indent=1))
    out(t, "ed25519-2018-base58.json", json.dumps({
        "id": "did:web:legacy.example",
        "verificationMethod": [{"id": "did:web:legacy.example#k", "type": "Ed25519VerificationKey2018",
                                "controller": "did:web:legacy.example",
                                "publicKeyBase58": b58encode(b58decode(edmk[1:])[2:])}],
        "assertionMethod": ["did:web:legacy.example#k"]}, indent=1))
    out(t, "bad-keys.json", json.dumps({
        "id": web,
        "verificationMethod": [
            {"id": "#two-forms", "type": "Multikey", "publicKeyMultibase": edmk, "publicKeyJwk": p256},
            {"id": "#private", "type": "JsonWebKey", "publicKeyJwk": dict(p256, d="AAAA")},
            {"id": "#rsa", "type": "JsonWebKey", "publicKeyJwk": {"kty": "RSA", "n": "AQAB", "e": "AQAB"}},
            {"id": "#ed-type-p256-key", "type": "Ed25519VerificationKey2020", "publicKeyMultibase": p256mk},
            {"id": "#short", "type": "Multikey", "publicKeyMultibase": "z6Mk"}],
        "assertionMethod": ["#two-forms", "#private", "#rsa", "#ed-type-p256-key", "#short", "did:web:other.example#k"]},
        indent=1))
    # A key document and the controller document that says what it may be used for.
    out(t, "key-document-and-controller.json", json.dumps([
        {"id": "https://uni.example/keys/1", "type": "Multikey", "controller": "https://uni.example/issuer",
         "publicKeyMultibase": edmk},
        {"id": "https://uni.example/issuer", "assertionMethod": ["https://uni.example/keys/1"]}], indent=1))
    out(t, "did-key-vm.json", json.dumps({"id": f"did:key:{edmk}", "verificationMethod": [
        {"id": f"did:key:{edmk}#{edmk}", "type": "Multikey", "controller": f"did:key:{edmk}",
         "publicKeyMultibase": edmk}], "assertionMethod": [f"did:key:{edmk}#{edmk}"]}, indent=1))


# ---------------------------------------------------------------- status lists

def status_seeds():
    t = "status_list"
    s = os.path.join(REPO, "assets", "network", "status")
    for f in sorted(os.listdir(s)):
        out(t, f"bitstring-{f}", read(os.path.join(s, f)))
    bsl = "/work/shared/fixtures/1edtech-ob30/bit-string-list"
    listdoc = json.loads(read(os.path.join(bsl, "testlist")))
    cred = json.loads(read(os.path.join(bsl, "credential-status-revoked.json")))
    listdoc["id"] = cred["credentialStatus"]["statusListCredential"]
    out(t, "bitstring-1edtech-list-and-credential.json", json.dumps([listdoc, cred], indent=1))
    sl2021 = json.loads(read(os.path.join(s, "thn-revocation.json")))
    sl2021["type"] = ["VerifiableCredential", "StatusList2021Credential"]
    sl2021["credentialSubject"]["type"] = "StatusList2021"
    sl2021["credentialSubject"]["encodedList"] = b64url(gzip.compress(b"\x00\x10" + b"\x00" * 16382))
    out(t, "statuslist2021-with-entry.json", json.dumps({
        **sl2021, "credentialStatus": [{"type": "StatusList2021Entry", "statusPurpose": "revocation",
                                        "statusListIndex": "11", "statusListCredential": sl2021["id"]},
                                       {"type": "BitstringStatusListEntry", "statusListIndex": 131071,
                                        "statusListCredential": sl2021["id"]}]}, indent=1))
    bomb = json.loads(read(os.path.join(s, "thn-revocation.json")))
    c = zlib.compressobj(9, zlib.DEFLATED, 31)  # gzip
    gz = b"".join(c.compress(b"\x00" * MiB) for _ in range(17)) + c.flush()
    bomb["credentialSubject"]["encodedList"] = "u" + b64url(gz)
    out(t, "bitstring-gzip-bomb-17MiB.json", json.dumps(bomb))
    token = read(os.path.join(SDJWT, "status-list.jwt")).strip()
    out(t, "token-status-list.jwt", token)
    payload = json.loads(base64.urlsafe_b64decode(token.split(b".")[1] + b"=="))
    out(t, "token-payload.json", json.dumps(payload, indent=1))
    lst = b64url(zlib.compress(bytes([0b11100100]) * 64, 9))
    out(t, "token-payload-1bit.json", json.dumps(dict(payload, status_list={"bits": 1, "lst": lst})))
    out(t, "token-payload-8bit.json", json.dumps(dict(payload, status_list={"bits": 8, "lst": lst})))
    zb = zlib_of_repeated(b"\x00", 17 * MiB)
    out(t, "token-zlib-bomb-17MiB.json", json.dumps(dict(payload, status_list={"bits": 2, "lst": b64url(zb)})))


# ---------------------------------------------------------------- share links

def deflate_raw(b):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(b) + c.flush()


def link_seeds(presentation, sd_presentation):
    t = "share_link"
    page = "https://verify.microcredx.example/verifier.html"
    out(t, "link-portfolio-vp.txt", f"{page}#vp={b64url(deflate_raw(presentation))}")
    tiny_vp = json.dumps({"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"]}).encode()
    out(t, "fragment-tiny-vp.txt", f"vp={b64url(deflate_raw(tiny_vp))}")
    out(t, "link-sd-jwt-presentation.txt", f"file:///opt/mcx/verifier.html#vp={b64url(deflate_raw(sd_presentation))}")
    out(t, "link-other-params.txt", f"{page}?lang=de#lang=de&vp={b64url(deflate_raw(tiny_vp))}==")
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    bomb = b"".join(c.compress(b" " * MiB) for _ in range(17)) + c.flush()
    out(t, "link-deflate-bomb-17MiB.txt", f"{page}#vp={b64url(bomb)}")
    out(t, "link-cut-off.txt", f"{page}#vp={b64url(deflate_raw(tiny_vp))[:-7]}")


# ---------------------------------------------------------------- SD-JWT

def sdjwt_seeds(sd_presentation):
    t = "sd_jwt"
    for case in ("valid", "revoked", "tampered-disclosure"):
        out(t, f"sdjwt-{case}.sd-jwt", read(os.path.join(SDJWT, f"sdjwt-0-{case}.sd-jwt")))
    out(t, "sdjwt-presentation-kb.sd-jwt", sd_presentation)
    compact = read(os.path.join(SDJWT, "sdjwt-0-valid.sd-jwt")).decode().strip()
    parts = compact.split("~")
    h, p, s = parts[0].split(".")
    out(t, "sdjwt-valid-json-serialisation.json", json.dumps(
        {"protected": h, "payload": p, "signature": s, "header": {"disclosures": [d for d in parts[1:] if d]}}, indent=1))
    trust = os.path.join(REPO, "fuzz", "fuzz_targets", "sd_jwt_trust")
    os.makedirs(trust, exist_ok=True)
    for f in ("jwt-vc-issuer.json", "status-list.jwt", "type-metadata.json"):
        with open(os.path.join(trust, f), "wb") as w:
            w.write(read(os.path.join(SDJWT, f)))


self_test()
vp = portfolio_seeds()
sd_valid = read(os.path.join(SDJWT, "sdjwt-0-valid.sd-jwt")).strip()
sd_pres = read(os.path.join(SDJWT, "presentation.sd-jwt")).strip()
backup_seeds(sd_valid)
stack_seeds()
did_seeds()
status_seeds()
link_seeds(vp, sd_pres)
sdjwt_seeds(sd_pres)
print("ok")
