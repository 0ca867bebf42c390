"""A case's attachments: photos and PDF documents, judged by their bytes (``records.uploads``).

The minutes of a talk or the proof of a rectification is a phone photo or a scanned PDF.
What a file is comes from its first bytes, never from its name or the browser's word; it is
stored under a generated name and served only through the case's scope
(``step_views.attachment``), a photo inline as the image it is, a PDF as a download.
"""

from django.utils.translation import gettext_noop

from dangjian.records import uploads

MAX_BYTES = 10 * 1024 * 1024  # per file
MAX_COUNT = 9  # per record

UPLOADS = uploads.Uploads(
    kinds=uploads.PHOTO_KINDS + (uploads.PDF,), max_bytes=MAX_BYTES, max_count=MAX_COUNT,
    too_many=gettext_noop("每次最多上传 %(max)d 个附件，本次选择了 %(count)d 个"),
    too_large=gettext_noop("附件“%(name)s”超过 %(max)d MB，无法上传"),
    not_accepted=gettext_noop("“%(name)s”不是可接受的附件：只能上传 JPEG、PNG、WebP、HEIC/HEIF 图片或 PDF 文件"),
)
