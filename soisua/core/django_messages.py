"""Messages of Django itself that the project translates again.

Django's Vietnamese catalogue writes a space before the final period of some ("Đảm bảo giá trị này lớn hơn hoặc
bằng với 0 ."), says "bạn" in others (the product says "đồng chí"), and lacks some altogether (they would show in
English: "“x” is not a valid value.", "This password is too short…"; tests/test_vietnamese_pages.py finds them).
The project's catalogue (LOCALE_PATHS) is read before Django's, so its own translation is the one shown; listing
the messages here keeps them in the project's catalogue when the messages are extracted again. Nothing imports
this module.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

RETRANSLATED = (
    gettext_noop("Ensure this value is greater than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is less than or equal to %(limit_value)s."),
    gettext_noop("Please correct the duplicate data for %(field)s."),
    # forms
    gettext_noop("“%(pk)s” is not a valid value."),
    gettext_noop("Enter a complete value."),
    gettext_noop("Null characters are not allowed."),
    gettext_noop("Enter a valid “slug” consisting of letters, numbers, underscores or hyphens."),
    gettext_noop("Enter a valid “slug” consisting of Unicode letters, numbers, underscores, or hyphens."),
    gettext_noop("Upload a valid image. The file you uploaded was either not an image or a corrupted image."),
    gettext_noop("ManagementForm data is missing or has been tampered with. Missing fields: %(field_names)s. You may "
                 "need to file a bug report if the issue persists."),
    ngettext_lazy("Please submit at most %(num)d form.", "Please submit at most %(num)d forms."),
    ngettext_lazy("Please submit at least %(num)d form.", "Please submit at least %(num)d forms."),
    # passwords
    ngettext_lazy("This password is too short. It must contain at least %d character.",
                  "This password is too short. It must contain at least %d characters."),
    ngettext_lazy("Your password must contain at least %(min_length)d character.",
                  "Your password must contain at least %(min_length)d characters."),
    gettext_noop("Your password can’t be too similar to your other personal information."),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("Your password can’t be entirely numeric."),
    gettext_noop("This password is too common."),
    gettext_noop("This password is entirely numeric."),
    gettext_noop("The password is too similar to the %(verbose_name)s."),
)
