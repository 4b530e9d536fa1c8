"""Every partner whose webhook export the collector reads, by source kind (``/webhooks/<kind>``)."""

from __future__ import annotations

from interaction_pipeline.collector.webhooks import braze, customerio, delighted, freshchat, iterable, statsig

PARTNERS = {
    partner.kind: partner
    for partner in (
        braze.PARTNER,
        customerio.PARTNER,
        iterable.PARTNER,
        freshchat.PARTNER,
        delighted.PARTNER,
        statsig.PARTNER,
    )
}
