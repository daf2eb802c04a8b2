"""Language selection: Vietnamese unless the visitor chose otherwise.

Django's LocaleMiddleware follows the browser's Accept-Language, so a phone set to English would get English
pages although the platform's users expect Vietnamese. Here only an explicit choice (the language cookie set
by the language switch) changes the language of pages. API clients are programs that say what they want,
so under /api/ the Accept-Language header is honoured as usual.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

API_PREFIXES = ("/api/", "/open311/")


class DefaultLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request):
        if request.path.startswith(API_PREFIXES):
            return super().process_request(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
