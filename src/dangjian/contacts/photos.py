"""Activity photos: what a file is, from its bytes, never from its name or the browser's word.

The form, the service and the view that serves a photo all ask :data:`UPLOADS` (the
shared checks are ``records.uploads``). Only JPEG, PNG, WebP and HEIC/HEIF are photos; a
file is stored under a generated name with the extension its bytes call for, and served
with the content type its bytes call for. Anything else (a file stored before this check,
say) is served as a download only.

The messages stay Chinese msgids with parameters (like the services' messages); the
pages translate them (ui.generic.apply_errors, ui.forms.MultipleFileField).
"""

from django.utils.translation import gettext_noop

from dangjian.records import uploads

MAX_BYTES = 10 * 1024 * 1024  # per photo
MAX_COUNT = 9  # per activity, the number of pictures a phone's share sheet usually sends at once

UPLOADS = uploads.Uploads(
    kinds=uploads.PHOTO_KINDS, max_bytes=MAX_BYTES, max_count=MAX_COUNT,
    too_many=gettext_noop("每次最多上传 %(max)d 张照片，本次选择了 %(count)d 张"),
    too_large=gettext_noop("照片“%(name)s”超过 %(max)d MB，无法上传"),
    not_accepted=gettext_noop("“%(name)s”不是可接受的照片：只能上传 JPEG、PNG、WebP 或 HEIC/HEIF 格式的图片"),
    not_accepted_code="not_a_photo",
)
