"""Personal numbers sealed at rest: SM4 encryption and an SM3 keyed digest, per field.

A sealed field ``x`` is two columns: ``x_sealed`` (the SM4 ciphertext, hex) and
``x_digest`` (HMAC-SM3 of the value, 128 bits, hex), and ``x`` on the model is a
property that opens the one and sets both. The digest finds a number (exact lookups,
the same number twice in a workbook, "unchanged on re-import") without decrypting
anything; the ciphertext is opened only to show a number, masked or revealed.

The construction is SIV (RFC 5297's shape with GB/T primitives): the digest is the
CTR mode's initial counter, so ciphertext = SM4-CTR(K_enc, IV=digest, value), and
opening checks that the value's digest is the stored one (a changed ciphertext or a
wrong key is refused, never shown as other digits). Equal numbers give equal
ciphertexts, which tells nothing the digest, kept for lookups, does not already tell.
Because the IV comes from the digest, a batch of values is encrypted by a single SM4
call over all their counter blocks (ECB), then XOR: the importer seals 100,000 persons
in a fraction of a second.

The key: ``DANGJIAN_DATA_KEY``, 32 hexadecimal digits (SM4's 128 bits), separate from
``SECRET_KEY``; two subkeys are derived from it (encryption, digest). In production it
must be set (the server refuses to start without it); elsewhere a key is generated once
and kept in ``DANGJIAN_DATA_KEY_FILE`` (beside the SQLite database), so the demo and a
developer's database need no setup. ``dangjian rotate-data-key`` re-seals every value.
"""

import hmac as std_hmac
import os
import re
import secrets
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_KEY_RE = re.compile(r"^[0-9a-fA-F]{32}$")
_MOD = 1 << 128

PRODUCTION_WITHOUT_KEY = (
    "生产环境（DANGJIAN_ENV=production）必须设置环境变量 DANGJIAN_DATA_KEY：32 位十六进制数字"
    "（SM4 的 128 位数据密钥，与 DJANGO_SECRET_KEY 不同），用于加密身份证号和手机号。"
    "可用 python -c \"import secrets; print(secrets.token_hex(16))\" 生成，并妥善备份；服务未启动。")
BAD_KEY = ("DANGJIAN_DATA_KEY 应为 32 位十六进制数字（SM4 的 128 位密钥），"
           "实际为 {length} 个字符；服务未启动。")
SAME_AS_SECRET = "DANGJIAN_DATA_KEY 不能与 DJANGO_SECRET_KEY 相同；服务未启动。"


class SealBroken(ValueError):
    """A ciphertext that does not open under this key to the value its digest names."""

    def __str__(self):
        return ("数据密钥与数据库中的加密数据不符（DANGJIAN_DATA_KEY 是否正确？密钥轮换后是否已换用新密钥？），"
                "或密文已被改动")


def parse_key(text):
    """16 key bytes from 32 hex digits, or ImproperlyConfigured with a Chinese message."""
    text = (text or "").strip()
    if not _KEY_RE.match(text):
        raise ImproperlyConfigured(BAD_KEY.format(length=len(text)))
    return bytes.fromhex(text)


def check_configuration():
    """At start-up: in production a valid DANGJIAN_DATA_KEY is required; a key that is set must be valid."""
    text = getattr(settings, "DANGJIAN_DATA_KEY", "")
    if not text:
        if getattr(settings, "DANGJIAN_PRODUCTION", False):
            raise ImproperlyConfigured(PRODUCTION_WITHOUT_KEY)
        return
    parse_key(text)
    if text.strip().lower() == str(getattr(settings, "SECRET_KEY", "")).strip().lower():
        raise ImproperlyConfigured(SAME_AS_SECRET)


def configured_key_text():
    """The configured key as hex: DANGJIAN_DATA_KEY, or (outside production) the instance's key file."""
    text = (getattr(settings, "DANGJIAN_DATA_KEY", "") or "").strip()
    if text:
        return text
    if getattr(settings, "DANGJIAN_PRODUCTION", False):
        raise ImproperlyConfigured(PRODUCTION_WITHOUT_KEY)
    return _key_file_text(Path(settings.DANGJIAN_DATA_KEY_FILE))


def _key_file_text(path):
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    try:  # O_EXCL: two processes starting at once keep one key
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_hex(16) + "\n")
    return path.read_text().strip()


def write_key_file(path, text):
    """Replace the key file atomically (rotate-data-key outside production)."""
    path = Path(path)
    tmp = path.with_name(path.name + ".new")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text + "\n")
    os.replace(tmp, path)


class Sealer:
    """Seals and opens values under one data key (a per-process context: see :func:`sealer`)."""

    def __init__(self, key):
        # cryptography (OpenSSL's SM4 and SM3) loads with the first sealer, not with every command's start-up.
        from cryptography.hazmat.primitives import hashes, hmac
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

        if isinstance(key, str):
            key = parse_key(key)
        self._enc_key = self._derive(key, b"dangjian sealed values: SM4 key")[:16]
        self._mac_key = self._derive(key, b"dangjian sealed values: SM3 digest key")
        self._ecb = Cipher(algorithms.SM4(self._enc_key), modes.ECB()).encryptor()
        self._mac = hmac.HMAC(self._mac_key, hashes.SM3())
        self._macs = {}
        self.fingerprint = self._derive(key, b"dangjian key fingerprint")[:4].hex()

    @staticmethod
    def _derive(key, label):
        from cryptography.hazmat.primitives import hashes, hmac

        h = hmac.HMAC(key, hashes.SM3())
        h.update(label)
        return h.finalize()

    def _digest_bytes(self, field, value):
        h = self._mac_for(field).copy()
        h.update(value)
        return h.finalize()[:16]

    def _mac_for(self, field):
        """The HMAC with ``field``'s name already absorbed (each field its own digests), made once."""
        mac = self._macs.get(field)
        if mac is None:
            mac = self._macs[field] = self._mac.copy()
            mac.update(field.encode() + b"\0")
        return mac

    def digest(self, field, value):
        """The keyed digest of ``value`` as 32 hex digits ("" for no value): what lookups compare."""
        if not value:
            return ""
        h = self._mac_for(field).copy()
        h.update(value.encode())
        return h.finalize()[:16].hex()

    def digester(self, field):
        """``digest`` for one field as a plain function: the importer calls it for every row."""
        base = self._mac_for(field)

        def digest(value):
            if not value:
                return ""
            h = base.copy()
            h.update(value.encode())
            return h.finalize()[:16].hex()
        return digest

    def _crypt(self, datas, ivs):
        """SM4-CTR of each of ``datas`` from its own 16-byte ``ivs``: one ECB call over every counter
        block of the batch, then one XOR over the batch (as a single integer), then the slices."""
        blocks, padded = [], []
        for data, iv in zip(datas, ivs):
            n = len(data)
            blocks.append(iv)
            if n > 16:  # 17–32 bytes (an 18-character 身份证号): a second block, the counter plus one
                c = int.from_bytes(iv)
                for j in range(1, (n + 15) >> 4):
                    blocks.append(((c + j) % _MOD).to_bytes(16))
            padded.append(data.ljust(((n + 15) >> 4) << 4, b"\0"))
        if not blocks:
            return []
        stream = self._ecb.update(b"".join(blocks))
        joined = b"".join(padded)
        mixed = (int.from_bytes(joined) ^ int.from_bytes(stream)).to_bytes(len(joined))
        out, off = [], 0
        for data in datas:
            n = len(data)
            out.append(mixed[off:off + n])
            off += ((n + 15) >> 4) << 4
        return out

    def encrypt_many(self, field, values, digests=None):
        """The ciphertexts (hex) of ``values``, in one SM4 call; ``digests`` if already computed."""
        if digests is None:
            digests = [self.digest(field, v) for v in values]
        datas, ivs = [], []
        for v, d in zip(values, digests):
            if v:
                datas.append(v.encode())
                ivs.append(bytes.fromhex(d))
        sealed = iter(self._crypt(datas, ivs))
        return [next(sealed).hex() if v else "" for v in values]

    def seal(self, field, value):
        """(ciphertext, digest) of one value."""
        value = value or ""
        digest = self.digest(field, value)
        return self.encrypt_many(field, [value], [digest])[0], digest

    def open_many(self, field, pairs):
        """The values of ``(ciphertext, digest)`` pairs; SealBroken when one does not open to its digest."""
        pending = [(bytes.fromhex(s), bytes.fromhex(d)) for s, d in pairs if s]
        opened = iter(self._crypt([s for s, _ in pending], [d for _, d in pending]))
        values = []
        for s, d in pairs:
            if not s:
                values.append("")
                continue
            data = next(opened)
            if not std_hmac.compare_digest(self._digest_bytes(field, data), bytes.fromhex(d)):
                raise SealBroken()
            try:
                values.append(data.decode())
            except UnicodeDecodeError:  # unreachable past the digest check, short of an SM3 collision
                raise SealBroken() from None
        return values

    def open(self, field, sealed, digest):
        return self.open_many(field, [(sealed, digest)])[0] if sealed else ""


_sealers = {}


def sealer(key_text=None):
    """The Sealer of the configured key (or of ``key_text``), built once per process and key."""
    text = key_text or configured_key_text()
    found = _sealers.get(text)
    if found is None:
        found = _sealers[text] = Sealer(text)
    return found


# ------------------------------------------------------------------ on a model

_registry = []  # (model, name) of every sealed property


def column_names(name):
    """The two columns of sealed field ``name``: its ciphertext and its digest."""
    return f"{name}_sealed", f"{name}_digest"


class SealedProperty(property):
    """``person.id_card``: opens ``id_card_sealed`` on first read; setting it seals and digests the value.

    A property (Django accepts properties as constructor keywords), so ``Person(id_card=…)`` works;
    the columns themselves are what queries see: ``filter(id_card_digest=digest("id_card", v))``.
    """

    def __init__(self):
        super().__init__(self._get, self._set)
        self.name = ""

    def __set_name__(self, owner, name):
        self.name = name
        self.sealed_column, self.digest_column = column_names(name)
        _registry.append((owner, name))

    def _get(self, obj):
        sealed = getattr(obj, self.sealed_column)
        if not sealed:
            return ""
        cache = obj.__dict__.setdefault("_opened", {})
        hit = cache.get(self.name)
        if hit is not None and hit[0] == sealed:
            return hit[1]
        value = sealer().open(self.name, sealed, getattr(obj, self.digest_column))
        cache[self.name] = (sealed, value)
        return value

    def _set(self, obj, value):
        value = "" if value is None else str(value)
        sealed, digest = sealer().seal(self.name, value)
        setattr(obj, self.sealed_column, sealed)
        setattr(obj, self.digest_column, digest)
        obj.__dict__.setdefault("_opened", {})[self.name] = (sealed, value)


def sealed_fields():
    """Every (model, field name) sealed at rest, for rotate-data-key."""
    return list(_registry)


def digest(field, value):
    """The configured key's digest of ``value`` (for ``filter(<field>_digest=…)``)."""
    return sealer().digest(field, value)


def reseal(old, new, batch=2000):
    """Re-encrypt every sealed value and recompute its digest under ``new`` (Sealers); call it inside a
    transaction. Every value is opened first under ``old``: one that does not open (a wrong old key)
    raises SealBroken before the table is touched past the current batch, and the caller rolls back.
    Returns the number of rows re-sealed."""
    from django.db import connection

    by_model = {}
    for model, name in sealed_fields():
        by_model.setdefault(model, []).append(name)
    count = 0
    for model, names in by_model.items():
        if connection.vendor == "postgresql":  # nobody writes a number under the old key meanwhile
            with connection.cursor() as cursor:
                cursor.execute(f'LOCK TABLE "{model._meta.db_table}" IN SHARE ROW EXCLUSIVE MODE')
        columns = [c for n in names for c in column_names(n)]
        rows = model._default_manager.order_by("pk").values_list("pk", *columns)
        last = None
        while True:
            chunk = list((rows.filter(pk__gt=last) if last is not None else rows)[:batch])
            if not chunk:
                break
            last = chunk[-1][0]
            objs = [model(pk=r[0]) for r in chunk]
            for i, name in enumerate(names):
                pairs = [(r[1 + 2 * i], r[2 + 2 * i]) for r in chunk]
                values = old.open_many(name, pairs)
                digests = [new.digest(name, v) for v in values]
                sealed_column, digest_column = column_names(name)
                for o, text, d in zip(objs, new.encrypt_many(name, values, digests), digests):
                    setattr(o, sealed_column, text)
                    setattr(o, digest_column, d)
            model._default_manager.bulk_update(objs, columns)
            count += len(objs)
    return count
