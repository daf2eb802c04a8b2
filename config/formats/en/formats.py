"""English as used on this site: dates are still written day first, as Vietnamese officials write them."""

from django.conf.locale.en.formats import *  # noqa: F403

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"]
