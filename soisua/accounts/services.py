from django.conf import settings

from .models import User


def set_preferred_language(user: User, language: str) -> None:
    """Remember the interface language on the account, so e-mails and documents use it too."""
    if language in dict(settings.LANGUAGES) and user.language != language:
        User.objects.filter(pk=user.pk).update(language=language)
        user.language = language
