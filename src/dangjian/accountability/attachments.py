"""A case's attachments: photos (as contacts.photos knows them) and PDF documents, judged by their bytes.

The minutes of a talk or the proof of a rectification is a phone photo or a scanned PDF.
What a file is comes from its first bytes, never from its name or the browser's word; it is
stored under a generated name and served only through the case's scope
(``step_views.attachment``), a photo inline as the image it is, a PDF as a download.
"""

import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_noop

from dangjian.contacts import photos

MAX_BYTES = 10 * 1024 * 1024  # per file
MAX_COUNT = 9  # per record


@dataclass(frozen=True)
class Kind:
    content_type: str
    extension: str
    inline: bool


PDF = Kind("application/pdf", ".pdf", False)


def sniff_file(f):
    """The :class:`Kind` (or contacts.photos.Kind, shown inline) of an open file, or None; leaves it at its start."""
    f.seek(0)
    head = f.read(photos.HEAD) or b""
    f.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    photo = photos.sniff(head)
    return Kind(photo.content_type, photo.extension, True) if photo else None


def validate(files):
    """The kind of each file, in order; ValidationError naming every file that may not be attached."""
    files = list(files)
    errors = []
    if len(files) > MAX_COUNT:
        errors.append(ValidationError(gettext_noop("每次最多上传 %(max)d 个附件，本次选择了 %(count)d 个"),
                                      code="too_many", params={"max": MAX_COUNT, "count": len(files)}))
    kinds = []
    for f in files:
        name = photos.display_name(f)
        size = getattr(f, "size", None)
        if size is not None and size > MAX_BYTES:
            errors.append(ValidationError(gettext_noop("附件“%(name)s”超过 %(max)d MB，无法上传"),
                                          code="too_large", params={"name": name, "max": MAX_BYTES // 2**20}))
            kinds.append(None)
            continue
        kind = sniff_file(f)
        if kind is None:
            errors.append(ValidationError(
                gettext_noop("“%(name)s”不是可接受的附件：只能上传 JPEG、PNG、WebP、HEIC/HEIF 图片或 PDF 文件"),
                code="not_accepted", params={"name": name}))
        kinds.append(kind)
    if errors:
        raise ValidationError(errors)
    return kinds


def stored_name(kind):
    """A generated file name: nothing of the uploader's name reaches the disk."""
    return uuid.uuid4().hex + kind.extension
