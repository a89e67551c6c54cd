"""The router and the pull feed on real Kafka and the real store: tenancy, pseudonyms, consent, filters, replays."""
import contextlib
import json
import uuid
from datetime import timedelta

import pytest
from partners_kit import now

from services.partners.indexes import DECLARED
from services.partners.projection import partners_projection
from services.partners.service.router import Router
from shared.store import indexes
from tests.support import publish, running_projection, wait_caught_up
from tests.unit.partners.partners_builders import SharingStory
from tests.unit.reports.reports_builders import JAN, weeks

pytestmark = pytest.mark.integration
TYPES = ["goal-created", "milestone-reached", "session-logged", "reminder-sent"]
TITLE = "Speak up in meetings"  # every goal's title in the stories (tests/unit/reports/reports_builders.py)


class World:
    """Two clinics' stories and their subscriptions, routed by a router running in a thread."""

    def __init__(self, settings, db, subscribe, client, auth):
        self.settings, self.db, self.client, self.auth = settings, db, client, auth
        run = uuid.uuid4().hex[:8]
        self.clinic, self.other_clinic = f"clinic-a-{run}", f"clinic-b-{run}"
        self.clients = {name: f"client-{name}-{run}" for name in ("shares", "withdraws", "lists", "elsewhere")}
        self.ehr = subscribe(self.clinic, "ehr-1", event_types=TYPES)["subscription_id"]
        self.registry = subscribe(self.clinic, "registry-1", event_types=TYPES)["subscription_id"]
        self.depression = subscribe(self.clinic, "ehr-2", event_types=["goal-created", "session-logged"],
                                    filters={"categories": ["depression"]})["subscription_id"]
        self.elsewhere = subscribe(self.other_clinic, "ehr-1", event_types=TYPES)["subscription_id"]
        self.paused = subscribe(self.clinic, "ehr-3", event_types=TYPES)["subscription_id"]
        assert client.patch(f"/v1/subscriptions/{self.paused}", json={"status": "paused"},
                            headers=auth(self.clinic)).status_code == 200
        self.stories = self._stories()
        self.events = [event for story in self.stories.values() for event in story.events]

    def _stories(self) -> dict:
        shares = SharingStory(self.clinic, self.clients["shares"])
        shares.goal("g-anx", category="anxiety", milestones=1)
        shares.goal("g-dep", category="depression")
        shares.reach("g-anx", "g-anx-m1", weeks(1))
        shares.session("s-1", weeks(2), ratings={"g-anx": 1, "g-dep": -1})
        shares.reminder("r-1", weeks(3))
        withdraws = SharingStory(self.clinic, self.clients["withdraws"])
        withdraws.goal("g-w", milestones=1)
        withdraws.share(weeks(1), "none")
        withdraws.reach("g-w", "g-w-m1", weeks(2))
        lists = SharingStory(self.clinic, self.clients["lists"])
        lists.share(JAN - timedelta(days=1), "listed", ("ehr-1",))
        lists.goal("g-l")
        elsewhere = SharingStory(self.other_clinic, self.clients["elsewhere"])
        elsewhere.goal("g-e")
        return {"shares": shares, "withdraws": withdraws, "lists": lists, "elsewhere": elsewhere}

    def feed(self, subscription_id: str) -> list[dict]:
        return list(self.db.feed.find({"subscription_id": subscription_id}).sort("seq", 1))

    def sources(self, subscription_id: str) -> set[str]:
        return {entry["source_event_id"] for entry in self.feed(subscription_id)}

    def ids_of(self, *names: str) -> set[str]:
        return {event.id for name in names for event in self.stories[name].events if event.type in TYPES}

    def pull(self, subscription_id: str, partner: str = "ehr-1", clinic: str | None = None, **query):
        headers = self.auth(clinic or self.clinic, "partner", partner)
        return self.client.get(f"/v1/subscriptions/{subscription_id}/events", query_string=query, headers=headers)


@pytest.fixture(scope="module")
def router(settings, db):
    indexes.ensure(db, DECLARED)
    projection = partners_projection(Router(settings.pseudonym_secret, now))
    with contextlib.ExitStack() as running:
        running.enter_context(running_projection(projection, settings, db))
        yield projection


@pytest.fixture(scope="module")
def world(settings, db, subscribe, client, auth, router):
    made = World(settings, db, subscribe, client, auth)
    publish(settings, made.events)
    wait_caught_up(settings, router)
    return made


def test_a_subscription_gets_its_clinics_events_and_never_another_clinics(world):
    ehr = world.sources(world.ehr)
    assert world.ids_of("shares", "lists") <= ehr
    assert not ehr & world.ids_of("elsewhere")
    assert world.sources(world.elsewhere) == world.ids_of("elsewhere")
    assert {entry["event"]["clinicid"] for entry in world.feed(world.ehr)} == {world.clinic}


def test_no_title_description_or_client_id_is_in_any_feed_byte(world):
    everything = json.dumps([entry["event"] for entry in world.db.feed.find()], default=str)
    for client_id in world.clients.values():
        assert client_id not in everything
    assert TITLE not in everything and "g-anx" not in everything and "s-1" not in everything


def test_the_pseudonym_is_stable_per_partner_and_differs_between_partners(world):
    def pseudonyms(subscription_id):
        return {entry["pseudonym"] for entry in world.feed(subscription_id)
                if entry["client_id"] == world.clients["shares"]}
    [ehr], [registry] = pseudonyms(world.ehr), pseudonyms(world.registry)
    assert ehr != registry
    assert {entry["event"]["data"]["pseudonym"] for entry in world.feed(world.ehr)
            if entry["pseudonym"] == ehr} == {ehr}


def test_consent_decides_who_gets_a_clients_events(world):
    assert not world.sources(world.registry) & world.ids_of("lists")  # listed: ehr-1 only
    withdrawn_at = weeks(1)
    for subscription_id in (world.ehr, world.registry):
        assert not [entry for entry in world.feed(subscription_id)
                    if entry["client_id"] == world.clients["withdraws"] and entry["time"] >= withdrawn_at]
    assert world.sources(world.paused) == set()


def test_a_category_filter_narrows_a_session_to_the_goals_it_asks_for(world):
    entries = world.feed(world.depression)
    assert [entry["type"] for entry in entries] == ["goal-created", "session-logged"]
    created, session = (entry["event"]["data"] for entry in entries)
    assert session["goals"] == [{"goal_id": created["goal_id"], "rating": -1}]


def test_the_pull_feed_pages_in_order_with_a_cursor(world):
    expected = [entry["event"] for entry in world.feed(world.ehr)
                if entry["client_id"] != world.clients["withdraws"]]
    pulled, after, pages = [], "", 0
    while True:
        page = world.pull(world.ehr, after=after, limit=2).json
        pages += 1
        if not page["events"]:
            break
        pulled += page["events"]
        after = page["next"]
    assert pulled == expected and pages == -(-len(world.feed(world.ehr)) // 2) + 1
    assert world.pull(world.ehr, after=after).json == {"events": [], "next": after}


def test_the_pull_feed_is_only_its_partners_in_its_clinic(world):
    assert world.pull(world.ehr, partner="registry-1").status_code == 404
    assert world.pull(world.ehr, clinic=world.other_clinic).status_code == 404
    assert world.pull(world.ehr, partner="ehr-1", clinic=world.clinic).status_code == 200
    staff = world.client.get(f"/v1/subscriptions/{world.ehr}/events", headers=world.auth(world.clinic))
    assert staff.status_code == 403


@pytest.mark.parametrize("query, field", [({"after": "x1"}, "after"), ({"limit": 501}, "limit"),
                                          ({"limit": 0}, "limit"), ({"cursor": "1"}, "cursor")])
def test_a_bad_cursor_or_limit_is_refused_naming_it(world, query, field):
    response = world.pull(world.ehr, **query)
    assert response.status_code == 422 and field in response.json["errors"]


def test_a_redelivered_event_adds_nothing(world, settings, router):
    before = {sub: world.feed(sub) for sub in (world.ehr, world.registry, world.depression, world.elsewhere)}
    publish(settings, world.events)
    wait_caught_up(settings, router)
    assert {sub: world.feed(sub) for sub in before} == before


def test_withdrawing_stops_the_pull_feed_of_what_is_routed_already(world, settings, router):
    assert any(entry["client_id"] == world.clients["shares"] for entry in world.feed(world.ehr))
    story = world.stories["shares"]
    publish(settings, [story.share(weeks(10), "none")])
    wait_caught_up(settings, router)
    pulled = world.pull(world.ehr, limit=500).json["events"]
    pseudonym = {entry["pseudonym"] for entry in world.feed(world.ehr)
                 if entry["client_id"] == world.clients["shares"]}.pop()
    assert pulled and pseudonym not in {event["pseudonym"] for event in pulled}
    assert world.pull(world.ehr, limit=500).json["next"] == str(len(world.feed(world.ehr)))


def test_a_short_page_means_the_end_even_when_entries_are_withheld(world):
    withheld = {world.clients["shares"], world.clients["withdraws"]}  # both withdrew by now
    allowed = [entry["event"] for entry in world.feed(world.ehr) if entry["client_id"] not in withheld]
    assert allowed and len(allowed) < len(world.feed(world.ehr))
    pages, after = [], ""
    while True:
        page = world.pull(world.ehr, after=after, limit=1).json
        if not page["events"]:
            break
        pages.append(page["events"])
        after = page["next"]
    assert pages == [[event] for event in allowed]
