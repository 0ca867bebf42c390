"""Activity photos: what a file is, from its bytes, never from its name or the browser's word.

The form, the service and the view that serves a photo all ask :func:`sniff`. Only
JPEG, PNG, WebP and HEIC/HEIF are photos; a file is stored under a generated name with
the extension its bytes call for, and served with the content type its bytes call for.
Anything else (a file stored before this check, say) is served as a download only.

The messages stay Chinese msgids with parameters (like the services' messages); the
pages translate them (web.generic.apply_errors, ActivityForm.clean_photos).
"""

import os
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_noop

MAX_BYTES = 10 * 1024 * 1024  # per photo
MAX_COUNT = 9  # per activity, the number of pictures a phone's share sheet usually sends at once
HEAD = 64  # bytes read to tell the kind


@dataclass(frozen=True)
class Kind:
    content_type: str
    extension: str


JPEG = Kind("image/jpeg", ".jpg")
PNG = Kind("image/png", ".png")
WEBP = Kind("image/webp", ".webp")
HEIC = Kind("image/heic", ".heic")
HEIF = Kind("image/heif", ".heif")

# ISO base media file brands (the ``ftyp`` box): HEVC-coded HEIC, and the generic HEIF ones.
HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs"}
HEIF_BRANDS = {b"mif1", b"msf1", b"heif"}


def sniff(head):
    """The :class:`Kind` the first bytes of a file declare, or None when they are no accepted photo."""
    head = bytes(head[:HEAD])
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
                return None  # AVIF shares the HEIF container but is not one of the accepted kinds
            return HEIF
    return None


def sniff_file(f):
    """:func:`sniff` of an open file (an upload or a stored file), leaving it at its start."""
    f.seek(0)
    head = f.read(HEAD)
    f.seek(0)
    return sniff(head or b"")


def display_name(f):
    """The name the user gave the file, short enough for a message."""
    name = os.path.basename(getattr(f, "name", "") or "") or "?"
    return name if len(name) <= 80 else name[:77] + "…"


def validate(files):
    """The kind of each file, in order; ValidationError naming every file that is no accepted photo."""
    files = list(files)
    errors = []
    if len(files) > MAX_COUNT:
        errors.append(ValidationError(gettext_noop("每次最多上传 %(max)d 张照片，本次选择了 %(count)d 张"),
                                      code="too_many", params={"max": MAX_COUNT, "count": len(files)}))
    kinds = []
    for f in files:
        name = display_name(f)
        size = getattr(f, "size", None)
        if size is not None and size > MAX_BYTES:
            errors.append(ValidationError(gettext_noop("照片“%(name)s”超过 %(max)d MB，无法上传"),
                                          code="too_large", params={"name": name, "max": MAX_BYTES // 2**20}))
            kinds.append(None)
            continue
        kind = sniff_file(f)
        if kind is None:
            errors.append(ValidationError(
                gettext_noop("“%(name)s”不是可接受的照片：只能上传 JPEG、PNG、WebP 或 HEIC/HEIF 格式的图片"),
                code="not_a_photo", params={"name": name}))
        kinds.append(kind)
    if errors:
        raise ValidationError(errors)
    return kinds


def stored_name(kind):
    """A generated file name for a photo of ``kind``: nothing of the uploader's name reaches the disk."""
    return uuid.uuid4().hex + kind.extension
