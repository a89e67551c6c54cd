"""The clinic aggregates: what a client's log contributes, event deltas that add up, and the clinic view over them."""
import random
from collections import Counter
from datetime import datetime, timedelta, timezone

from services.reports.domain.months import month_range
from services.reports.domain.contributions import MONTH, contributions, delta, event_delta
from services.reports.domain.clinic_report import clinic_view


def goal(goal_id, at, category="anxiety", lifecycle="active", achievement="in-progress"):
    return {"type": "goal", "goal": goal_id, "category": category, "at": at, "lifecycle": lifecycle,
            "achievement": achievement}


def status(goal_id, at, lifecycle="completed", achievement="achieved"):
    return {"type": "status", "goal": goal_id, "at": at, "lifecycle": lifecycle, "achievement": achievement}


def session(at, missed=False, phq9=None, gad7=None):
    return {"type": "session", "at": at, "missed": missed, "phq9": phq9, "gad7": gad7}


def day(month: int, day_of_month: int = 5, year: int = 2025) -> str:
    return f"{year}-{month:02d}-{day_of_month:02d}T10:00:00Z"


def aggregates(*logs) -> tuple[list[dict], list[dict]]:
    """The clinic_month and clinic_spans documents the projector would hold after these clients' logs,
    built the way the projector builds them: each event's delta added with $inc."""
    months, spans = {}, {}
    for log in logs:
        for n in range(len(log)):
            for (kind, month, path), amount in event_delta(log[:n], log[n]).items():
                document = (months if kind == MONTH else spans).setdefault(month, {"month": month})
                *parents, leaf = path.split(".")
                for name in parents:
                    document = document.setdefault(name, {})
                document[leaf] = document.get(leaf, 0) + amount
    return list(months.values()), list(spans.values())


def clinic(period: str, *logs):
    """The clinic report over 'YYYY-MM..YYYY-MM' (or one month) of these clients."""
    first, _, last = period.partition("..")
    return clinic_view(month_range(first, last or first), *aggregates(*logs))


def test_months_count_goals_set_and_first_achieved_and_sessions():
    a = [goal("g1", day(1, 5)), goal("g3", day(1, 8)), status("g3", day(1, 9), "entered-in-error", "not-achieved"),
         status("g1", day(2, 3)), status("g1", day(3, 1), "active", "in-progress"), status("g1", day(3, 2)),
         *[session(day(1, d)) for d in (10, 11, 12, 13)], session(day(1, 14), missed=True), session(day(2, 1))]
    b = [goal("g2", day(2, 7), category="depression"), session(day(12, 1, 2024)), session(day(2, 2))]
    report = clinic("2025-01..2025-03", a, b)
    assert [(m["goals_set"], m["goals_achieved"], m["clients_seen"]) for m in report["months"]] == [
        (1, 0, 1), (1, 1, 2), (0, 0, 0)]
    assert (report["goals_set"], report["goals_achieved"], report["clients_seen"]) == (2, 1, 2)
    assert (report["sessions_attended"], report["sessions_missed"]) == (6, 1)
    assert report["attendance_rate"] == round(6 / 7, 4)
    anxiety = next(line for line in report["categories"] if line["category"] == "anxiety")
    assert (anxiety["goals_set"], anxiety["goals_achieved"]) == (1, 1)


def test_a_goal_entered_in_error_later_leaves_the_months_it_counted_in():
    log = [goal("g1", day(1)), status("g1", day(2)), status("g1", day(4), "entered-in-error", "achieved")]
    moved = delta(contributions(log[:2]), contributions(log))
    assert moved == {("month", "2025-01", "goals_set"): -1, ("month", "2025-01", "categories.anxiety.goals_set"): -1,
                     ("month", "2025-02", "goals_achieved"): -1,
                     ("month", "2025-02", "categories.anxiety.goals_achieved"): -1}
    assert clinic("2025-01..2025-04", log)["goals_set"] == 0


def test_a_client_seen_in_several_months_counts_once_in_the_period():
    log = [session(day(1)), session(day(3)), session(day(3, 20)), session(day(6))]
    assert clinic("2025-01..2025-04", log)["clients_seen"] == 1
    assert clinic("2025-04..2025-05", log)["clients_seen"] == 0
    assert clinic("2025-02..2025-12", log)["clients_seen"] == 1


def test_outcomes_count_clients_measured_in_the_period_from_their_first_measurement_ever():
    improved = [goal("g1", day(1)), session(day(1, 6), phq9=16), session(day(1, 20), phq9=8)]
    unchanged = [session(day(1, 6), phq9=12), session(day(1, 20), phq9=11)]
    before_period = [session(day(6, 1, 2024), phq9=20), session(day(7, 1, 2024), phq9=5)]
    report = clinic("2025-01", improved, unchanged, before_period)
    assert (report["clients_measured"], report["clients_reliably_improved"]) == (2, 1)
    assert report["reliable_improvement_share"] == 0.5
    assert (report["clients_at_caseness_first"], report["clients_recovered"]) == (2, 1)
    anxiety = next(line for line in report["categories"] if line["category"] == "anxiety")
    assert anxiety["clients_reliably_improved"] == 1
    later = [session(day(12, 1, 2024), phq9=18), session(day(2), phq9=17), session(day(5), phq9=7)]
    assert clinic("2025-01..2025-03", later)["clients_reliably_improved"] == 0  # judged at February's end
    assert clinic("2025-01..2025-06", later)["clients_reliably_improved"] == 1


def test_a_late_logged_session_moves_the_client_between_spans():
    log = [session(day(1), phq9=20), session(day(5), phq9=8), session(day(3), phq9=19)]
    assert clinic("2025-03", log)["clients_measured"] == 1
    assert clinic("2025-03", log)["clients_reliably_improved"] == 0
    assert clinic("2025-05", log)["clients_reliably_improved"] == 1


def test_the_deltas_of_every_event_add_up_to_the_whole_logs_contribution():
    log = [goal("g1", day(1)), session(day(1), phq9=14, gad7=9), goal("g2", day(2), "depression"),
           session(day(4), missed=True), session(day(2), phq9=9), status("g1", day(5)),
           status("g2", day(5), "entered-in-error", "not-achieved"), session(day(5), gad7=3)]
    total = Counter()
    for n in range(len(log)):
        total.update(delta(contributions(log[:n]), contributions(log[:n + 1])))
    assert {key: count for key, count in total.items() if count} == dict(contributions(log))


LIFECYCLES = ("proposed", "active", "on-hold", "completed", "cancelled", "entered-in-error")
ACHIEVEMENTS = ("in-progress", "improving", "worsening", "no-change", "achieved", "sustaining", "not-achieved",
                "no-progress", "not-attainable")


def random_log(rng: random.Random) -> list[dict]:
    """Goals, status changes (some of unknown goals) and sessions over 14 months, in any time order."""
    log, goals = [], []

    def at() -> str:
        moment = datetime(2024, 1, 1, tzinfo=timezone.utc) + timedelta(days=rng.randint(0, 420),
                                                                        seconds=rng.choice((0, 1, 3600)))
        return moment.isoformat().replace("+00:00", "Z")
    for n in range(rng.randint(1, 40)):
        draw = rng.random()
        if draw < 0.15 or (not goals and draw < 0.3):
            goals.append(f"goal-{n}")
            log.append(goal(goals[-1], at(), rng.choice(("anxiety", "mood")), rng.choice(LIFECYCLES),
                            rng.choice(ACHIEVEMENTS)))
        elif draw < 0.3:
            log.append(status(rng.choice([*goals, "unknown"]), at(), rng.choice(LIFECYCLES), rng.choice(ACHIEVEMENTS)))
        else:
            log.append(session(at(), rng.random() < 0.2, rng.choice((None, rng.randint(0, 27))),
                               rng.choice((None, rng.randint(0, 21)))))
    return log


def test_an_events_delta_computed_over_the_months_it_can_change_equals_the_change_of_the_whole_logs_contributions():
    rng = random.Random(20240229)
    for _ in range(400):
        log = random_log(rng)
        for n in range(len(log)):
            assert event_delta(log[:n], log[n]) == delta(contributions(log[:n]), contributions(log[:n + 1]))
