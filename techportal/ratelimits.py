"""Per-IP limits on the public forms, counted in the Redis cache (django-ratelimit)."""

import logging

from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def over_rate_limit(request: HttpRequest, *, group: str, rate: str) -> bool:
    """Count this POST against its IP address in `group`; True once past `rate` ("20/h").

    With Redis down the form still works: RATELIMIT_FAIL_OPEN only covers a cache that returns
    nothing, while Django's RedisCache raises.
    """
    try:
        return is_ratelimited(
            request, group=group, key="ip", rate=rate, method="POST", increment=True
        )
    except RedisError:
        logger.warning("Rate limit %s not checked: the cache is unreachable", group, exc_info=True)
        return False
