"""Uploaded files judged by their bytes, never by their name or the browser's word.

What a file is comes from its first bytes (:func:`sniff`); it is stored under a generated
name with the extension its bytes call for (:func:`stored_name`) and served with the
content type they call for. Each part declares what it accepts in an :class:`Uploads`
(the kinds, the size and number limits, its messages): activity photos
(``contacts.photos``), a case's attachments (``accountability.attachments``).

No domain here. The messages are the caller's Chinese msgids with parameters (like the
services' messages); the pages translate them (``ui.generic.error_text``).
"""

import os
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError

HEAD = 64  # bytes read to tell the kind


@dataclass(frozen=True)
class Kind:
    content_type: str
    extension: str
    inline: bool = True  # shown in the browser as what it is (a photo); else only ever a download


JPEG = Kind("image/jpeg", ".jpg")
PNG = Kind("image/png", ".png")
WEBP = Kind("image/webp", ".webp")
HEIC = Kind("image/heic", ".heic")
HEIF = Kind("image/heif", ".heif")
PDF = Kind("application/pdf", ".pdf", inline=False)
PHOTO_KINDS = (JPEG, PNG, WEBP, HEIC, HEIF)

# ISO base media file brands (the ``ftyp`` box): HEVC-coded HEIC, and the generic HEIF ones.
HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs"}
HEIF_BRANDS = {b"mif1", b"msf1", b"heif"}


def sniff(head):
    """The :class:`Kind` the first bytes of a file declare, or None when they are none of the known kinds."""
    head = bytes(head[:HEAD])
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if len(head) >= 16 and head[4:8] == b"ftyp":
        size = int.from_bytes(head[:4], "big")
        major = head[8:12]
        # Compatible brands follow the major brand and its version, up to the box's end.
        compatible = {head[i:i + 4] for i in range(16, min(size, len(head)) - 3, 4)}
        if major in HEIC_BRANDS:
            return HEIC
        if major in HEIF_BRANDS:
            if compatible & HEIC_BRANDS:
                return HEIC
            if compatible & {b"avif", b"avis"}:
                return None  # AVIF shares the HEIF container but is not one of the known kinds
            return HEIF
    return None


def read_head(f):
    """The first bytes of an open file (an upload or a stored file), leaving it at its start."""
    f.seek(0)
    head = f.read(HEAD)
    f.seek(0)
    return head or b""


def display_name(f):
    """The name the user gave the file, short enough for a message."""
    name = os.path.basename(getattr(f, "name", "") or "") or "?"
    return name if len(name) <= 80 else name[:77] + "…"


def stored_name(kind):
    """A generated file name for a file of ``kind``: nothing of the uploader's name reaches the disk."""
    return uuid.uuid4().hex + kind.extension


@dataclass(frozen=True)
class Uploads:
    """What one part accepts: the kinds, the limits, and its messages (msgids with parameters).

    ``too_many`` takes ``%(max)d`` and ``%(count)d``; ``too_large`` ``%(name)s`` and ``%(max)d``
    (MB); ``not_accepted`` ``%(name)s``, raised with ``not_accepted_code``.
    """

    kinds: tuple
    max_bytes: int
    max_count: int
    too_many: str
    too_large: str
    not_accepted: str
    not_accepted_code: str = "not_accepted"

    def sniff(self, head):
        """The :class:`Kind` of these first bytes if it is one of ours, else None."""
        kind = sniff(head)
        return kind if kind in self.kinds else None

    def sniff_file(self, f):
        """:meth:`sniff` of an open file, leaving it at its start."""
        return self.sniff(read_head(f))

    def validate(self, files):
        """The kind of each file, in order; ValidationError naming every file that may not be uploaded."""
        files = list(files)
        errors = []
        if len(files) > self.max_count:
            errors.append(ValidationError(self.too_many, code="too_many",
                                          params={"max": self.max_count, "count": len(files)}))
        kinds = []
        for f in files:
            name = display_name(f)
            size = getattr(f, "size", None)
            if size is not None and size > self.max_bytes:
                errors.append(ValidationError(self.too_large, code="too_large",
                                              params={"name": name, "max": self.max_bytes // 2**20}))
                kinds.append(None)
                continue
            kind = self.sniff_file(f)
            if kind is None:
                errors.append(ValidationError(self.not_accepted, code=self.not_accepted_code, params={"name": name}))
            kinds.append(kind)
        if errors:
            raise ValidationError(errors)
        return kinds
