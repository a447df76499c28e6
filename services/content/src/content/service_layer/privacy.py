"""A commenter's right to erasure: their name, email, website and words leave every comment of theirs.

The comments stay as tombstones (status, date, place in the thread) so other readers' replies
keep their context; the author shows as "[erased]" and the body as a short notice. Matching is by
email hash, so the address given with the request is used once and not kept.
"""

from __future__ import annotations

import logging

from clinic_shared.events.base import utcnow
from clinic_shared.runtime import ServiceRuntime
from content.adapters.comments import CommentRepository
from content.domain.comments import email_hash
from content.service_layer.settings import content_settings

log = logging.getLogger("content.privacy")


async def erase_commenter(runtime: ServiceRuntime, email: str, requested_by: str) -> int:
    digest = email_hash(email, content_settings(runtime).comment_email_pepper)
    async with runtime.transaction() as tx:
        erased = await CommentRepository(tx.session).erase(digest, utcnow())
    log.info("commenter data erased", extra={"comments": erased, "requested_by": requested_by})
    return erased
