"""Messages of Django itself that the project translates again.

Django's Vietnamese catalogue writes a space before the final period of these ("Đảm bảo giá trị này lớn hơn hoặc
bằng với 0 ."). The project's catalogue (LOCALE_PATHS) is read before Django's, so its own translation is the one
shown; listing the messages here keeps them in the project's catalogue when the messages are extracted again.
Nothing imports this module.
"""

from django.utils.translation import gettext_noop

RETRANSLATED = (
    gettext_noop("Ensure this value is greater than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is less than or equal to %(limit_value)s."),
    gettext_noop("Please correct the duplicate data for %(field)s."),
)
