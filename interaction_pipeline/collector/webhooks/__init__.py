"""Partner webhooks: ``POST /webhooks/<kind>`` in each partner's own export format, mapped to Segment's spec.

Every partner module exposes one :class:`~.partner.Partner`: how to find the events in a request body, and how
to turn one event into a Segment ``track`` message. The endpoint (:mod:`.endpoint`) does the rest exactly as
the Tracking API does it: authenticate, enrich, group-commit to the same spool, answer after the fsync.
"""
