"""The password's make-up as 等保 2.0 asks (身份鉴别: 口令具有复杂度要求)."""

import string

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CLASSES = (set(string.ascii_uppercase), set(string.ascii_lowercase), set(string.digits))


class CharacterClassValidator:
    """Three of the four classes: capital letters, small letters, digits, other characters."""

    def __init__(self, classes=3):
        self.classes = classes

    def validate(self, password, user=None):
        chars = set(password)
        found = sum(bool(chars & cls) for cls in CLASSES) + bool(chars - set().union(*CLASSES))
        if found < self.classes:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字、其他符号四类中的至少 %(n)d 类。") % {"n": self.classes},
                code="password_too_simple")

    def get_help_text(self):
        return _("至少包含大写字母、小写字母、数字、其他符号中的 %(n)d 类。") % {"n": self.classes}


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with our own message: Django 5.2's Chinese catalogue lacks its new wording."""

    def get_error_message(self):
        return _("密码太短，至少包含 %(n)d 个字符。") % {"n": self.min_length}

    def get_help_text(self):
        return _("至少包含 %(n)d 个字符。") % {"n": self.min_length}
