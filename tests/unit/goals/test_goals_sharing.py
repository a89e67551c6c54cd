"""A client's sharing with partners: every partner without a record, then what was last recorded."""
import pytest

from services.goals.domain.errors import InvalidPartners
from services.goals.domain.sharing import MOST_PARTNERS, Sharing, change_sharing, fold
from shared.contract.events import SharingChanged


def test_a_client_without_a_record_shares_with_every_partner():
    assert fold("client-1", []) == Sharing("client-1", "all", (), None, 0)


@pytest.mark.parametrize("partners, scope, partner_ids", [(False, "none", ()),
                                                         (["p-2", "p-1"], "listed", ("p-1", "p-2"))])
def test_a_change_records_the_scope_and_the_sorted_partner_ids_at_the_moment_given(noon, partners, scope, partner_ids):
    [event] = change_sharing(fold("client-1", []), partners, noon)

    assert event == SharingChanged("client-1", scope, partner_ids, noon)
    assert fold("client-1", [event]) == Sharing("client-1", scope, partner_ids, noon, 1)


def test_sharing_with_every_partner_again_after_a_withdrawal_is_a_change(noon):
    withdrawn = fold("client-1", change_sharing(fold("client-1", []), False, noon))

    [event] = change_sharing(withdrawn, True, noon)

    assert (event.scope, event.partner_ids) == ("all", ())


@pytest.mark.parametrize("partners", [True, ["p-1", "p-2"], ("p-2", "p-1")])
def test_recording_what_already_holds_decides_nothing(noon, partners):
    current = Sharing("client-1", "listed", ("p-1", "p-2"), noon, 1) if partners is not True else Sharing("client-1")

    assert change_sharing(current, partners, noon) == []


@pytest.mark.parametrize("partners", [[], ["p-1", "p-1"], ["p 1"], ["-p"], ["p" * 65], [1], [None], "p-1", None, 0, 1,
                                      {"p-1": True}, [f"p-{n}" for n in range(MOST_PARTNERS + 1)]])
def test_anything_but_false_true_or_a_list_of_different_partner_ids_is_refused_naming_partners(noon, partners):
    with pytest.raises(InvalidPartners) as refused:
        change_sharing(fold("client-1", []), partners, noon)

    assert (refused.value.field, refused.value.code, refused.value.kind) == ("partners", "invalid-partners", "invalid")


def test_fifty_partners_may_be_listed(noon):
    [event] = change_sharing(fold("client-1", []), [f"p-{n:02d}" for n in range(MOST_PARTNERS)], noon)

    assert len(event.partner_ids) == MOST_PARTNERS
