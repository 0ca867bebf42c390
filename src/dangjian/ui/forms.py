"""The form pieces every part's forms share: the date box and the several-files field.

A phone's date picker needs ``type="date"`` and ISO values; a phone's share sheet sends
several photos at once, so a files field takes a list. What the files may be is the
part's :class:`records.uploads.Uploads` (contacts.photos, accountability.attachments),
checked by their bytes here on the page as the service checks them again.
"""

from django import forms

from .generic import error_text


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files (a list, maybe empty), each one what ``uploads`` accepts by its bytes.

    ``accept`` goes to the input (no ``capture``: a phone then offers its camera and its album); a
    refused file is named in the page's language (the messages are msgids, ``error_text``).
    """

    def __init__(self, *args, uploads, accept, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": accept}))
        self.uploads = uploads
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            files = [single(d, initial) for d in data if d]
        else:
            files = [single(data, initial)] if data else []
        try:
            self.uploads.validate(files)
        except forms.ValidationError as exc:
            raise forms.ValidationError([error_text(e) for e in exc.error_list])
        return files
