"""A rebuild of the partners router's projections replays consent and categories and sends nobody anything again."""
import uuid

import pytest
from partners_kit import now

from services.partners.indexes import DECLARED
from services.partners.projection import partners_projection
from services.partners.service.router import Router
from services.partners.store.documents import PROJECTED
from shared.messaging.replay import rebuild
from shared.store import indexes
from tests.support import publish, running_projection, wait_caught_up
from tests.unit.partners.partners_builders import SharingStory
from tests.unit.reports.reports_builders import weeks

pytestmark = pytest.mark.integration


def test_a_rebuild_keeps_the_feed_and_the_cursors_and_rebuilds_the_projections(settings, db, subscribe):
    indexes.ensure(db, DECLARED)
    clinic = f"clinic-r-{uuid.uuid4().hex[:8]}"
    subscription = subscribe(clinic, "ehr-1")["subscription_id"]
    story = SharingStory(clinic, f"client-{uuid.uuid4().hex[:8]}")
    story.goal("g1", milestones=1)
    story.share(weeks(1), "listed", ("ehr-1",))
    story.reach("g1", "g1-m1", weeks(2))
    projection = partners_projection(Router(settings.pseudonym_secret, now))
    with running_projection(projection, settings, db):
        publish(settings, story.events)
        wait_caught_up(settings, projection)
    db.subscriptions.update_one({"_id": subscription}, {"$set": {"cursors.kafka": 1}})
    feed = list(db.feed.find({"subscription_id": subscription}).sort("seq", 1))
    projected = {name: list(db[name].find({"clinic_id": clinic}, {"applied": 0})) for name in PROJECTED}
    db.consents.delete_many({"clinic_id": clinic})

    rebuild(projection, settings, db, progress=lambda done, total: None)

    assert [entry["seq"] for entry in feed] == [1, 2]
    assert list(db.feed.find({"subscription_id": subscription}).sort("seq", 1)) == feed
    stored = db.subscriptions.find_one({"_id": subscription})
    assert (stored["seq"], stored["cursors"]["kafka"]) == (2, 1)
    assert {name: list(db[name].find({"clinic_id": clinic}, {"applied": 0})) for name in PROJECTED} == projected
