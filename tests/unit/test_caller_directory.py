"""The directory's word on a customer caller, through the per-container cache: its staleness bound measured by
an injected clock (tests move time, never sleep), one read per account per period, and what is refused."""

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from functions.shared.auth import caller_from_claims
from functions.shared.caller_directory import (
    ACCESS_DISABLED,
    AccountContactsCache,
    caller_directory,
    caller_directory_settings,
    with_directory_facts,
)
from functions.shared.clock import FixedClock
from functions.shared.dal.directory import ContactEntry, ContactStatus
from functions.shared.environment import reset_environment
from functions.shared.errors import Unauthorized

T = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
ALICE = {"name": "Alice Admin", "email": "alice@acme.example", "macAuthorized": False}  # as seeded: no status
BOB = {"name": "Bob Builder", "email": "bob@acme.example", "macAuthorized": True}
GINA = {"name": "Gina Globex", "email": "gina@globex.example"}


def claims(account: str, contact: str, groups: str = "customer-contacts") -> dict:
    return {"sub": f"u-{contact}", "cognito:groups": groups, "custom:account_id": account, "custom:contact_id": contact}


class FakeDirectory:
    """The accounts' contacts maps as stored (ContactEntry.to_map() or the seed's shape); counts reads."""

    def __init__(self) -> None:
        self.accounts: dict[str, dict[str, dict]] = {"acme": {"c-alice": dict(ALICE), "c-bob": dict(BOB)}, "globex": {"c-gina": dict(GINA)}}
        self.reads: Counter = Counter()

    def account_contacts(self, account_id: str) -> dict[str, ContactEntry] | None:
        self.reads[account_id] += 1
        contacts = self.accounts.get(account_id)
        return None if contacts is None else {contact_id: ContactEntry.from_map(raw) for contact_id, raw in contacts.items()}

    def change(self, account_id: str, contact_id: str, **fields) -> None:
        entry = ContactEntry.from_map(self.accounts[account_id][contact_id])
        self.accounts[account_id][contact_id] = ContactEntry(**{**entry.__dict__, **fields}).to_map()


@pytest.fixture
def directory():
    return FakeDirectory()


@pytest.fixture
def clock():
    return FixedClock(T)


@pytest.fixture
def cache(directory, clock):
    return AccountContactsCache(directory, clock=clock, staleness=timedelta(seconds=60))


def resolve(cache, account="acme", contact="c-alice", groups="customer-contacts"):
    return with_directory_facts(caller_from_claims(claims(account, contact, groups)), cache)


def test_a_seeded_contact_without_a_status_is_active_with_the_directorys_authorizations(cache):
    alice, bob = resolve(cache), resolve(cache, contact="c-bob")
    assert (alice.user_id, alice.account_id, alice.contact_id) == ("u-c-alice", "acme", "c-alice")
    assert not alice.is_mac_authorized and alice.role == "customer-contacts"
    assert bob.is_mac_authorized and bob.role == "mac-contacts"
    assert not (bob.attendant_authorized or bob.account_administrator)


def test_every_flag_comes_from_the_directory_and_invited_contacts_may_sign_in(directory, cache):
    directory.change("acme", "c-alice", status=ContactStatus.INVITED, attendant_authorized=True, account_administrator=True)
    alice = resolve(cache)
    assert (alice.mac_authorized, alice.attendant_authorized, alice.account_administrator) == (False, True, True)


def test_the_mac_group_in_the_token_authorizes_nothing(cache):
    assert not resolve(cache, groups="customer-contacts,mac-contacts").is_mac_authorized


@pytest.mark.parametrize(
    "account, contact", [("acme", "c-nobody"), ("initech", "c-alice"), ("globex", "c-alice")]
)  # a removed contact, a missing account, another account's contact id
def test_a_contact_the_directory_does_not_hold_is_refused(cache, account, contact):
    with pytest.raises(Unauthorized) as refused:
        resolve(cache, account=account, contact=contact)
    assert refused.value.code == ACCESS_DISABLED and int(refused.value.status) == 401
    assert "account administrator" in refused.value.message and "Technical Account Manager" in refused.value.message


def test_a_disabled_contact_is_refused(directory, cache):
    directory.change("acme", "c-alice", status=ContactStatus.DISABLED, mac_authorized=True)
    with pytest.raises(Unauthorized) as refused:
        resolve(cache)
    assert refused.value.code == ACCESS_DISABLED


def test_a_disable_is_served_from_a_warm_cache_for_59_seconds_and_refused_at_60(directory, cache, clock):
    resolve(cache)  # the read at t
    directory.change("acme", "c-alice", status=ContactStatus.DISABLED)
    clock.moment = T + timedelta(seconds=59)
    assert resolve(cache).contact_id == "c-alice"  # what the container read at t, 59 s old
    clock.moment = T + timedelta(seconds=60)
    with pytest.raises(Unauthorized):
        resolve(cache)
    assert directory.reads == Counter({"acme": 2})


def test_a_revoked_mac_authorization_likewise(directory, cache, clock):
    assert resolve(cache, contact="c-bob").is_mac_authorized
    directory.change("acme", "c-bob", mac_authorized=False)
    clock.moment = T + timedelta(seconds=59)
    assert resolve(cache, contact="c-bob").is_mac_authorized
    clock.moment = T + timedelta(seconds=60)
    assert not resolve(cache, contact="c-bob").is_mac_authorized


def test_a_reenabled_contact_gets_back_in_within_the_period_too(directory, cache, clock):
    directory.change("acme", "c-alice", status=ContactStatus.DISABLED)
    with pytest.raises(Unauthorized):
        resolve(cache)
    directory.change("acme", "c-alice", status=ContactStatus.ACTIVE)
    clock.moment = T + timedelta(seconds=60)
    assert resolve(cache).contact_id == "c-alice"


def test_one_read_per_account_per_period_and_accounts_are_cached_apart(directory, cache, clock):
    for second in range(60):
        clock.moment = T + timedelta(seconds=second)
        resolve(cache)
        resolve(cache, contact="c-bob")  # the same account: the same read
    assert directory.reads == Counter({"acme": 1})
    resolve(cache, account="globex", contact="c-gina")  # another account: its own read, its own age
    assert directory.reads == Counter({"acme": 1, "globex": 1})
    directory.change("globex", "c-gina", status=ContactStatus.DISABLED)
    clock.moment = T + timedelta(seconds=60)  # acme's read is 60 s old, globex's 1 s
    resolve(cache)
    assert resolve(cache, account="globex", contact="c-gina").contact_id == "c-gina"
    assert directory.reads == Counter({"acme": 2, "globex": 1})


def test_a_missing_account_is_remembered_for_the_period_too(directory, cache, clock):
    for _ in range(3):
        with pytest.raises(Unauthorized):
            resolve(cache, account="initech")
    assert directory.reads == Counter({"initech": 1})


def test_a_clock_that_goes_back_makes_the_read_stale(directory, cache, clock):
    resolve(cache)
    clock.moment = T - timedelta(seconds=1)
    resolve(cache)
    assert directory.reads == Counter({"acme": 2})


def test_staff_make_no_read(directory, cache):
    engineer = with_directory_facts(caller_from_claims({"sub": "u-e", "cognito:groups": "engineers"}), cache)
    manager = with_directory_facts(caller_from_claims({"sub": "u-m", "cognito:groups": "support-managers"}), cache)
    assert engineer.is_staff and manager.is_staff and not engineer.is_mac_authorized
    assert directory.reads == Counter()


def test_zero_staleness_reads_every_time(directory, clock):
    cache = AccountContactsCache(directory, clock=clock, staleness=timedelta(0))
    resolve(cache), resolve(cache)
    assert directory.reads == Counter({"acme": 2})


def test_the_cache_forgets_the_oldest_account_past_its_size(directory, clock):
    directory.accounts.update({f"a{n}": {"c-1": dict(GINA)} for n in range(3)})
    cache = AccountContactsCache(directory, clock=clock, staleness=timedelta(seconds=60), max_accounts=2)
    for account in ("a0", "a1", "a2", "a1", "a0"):
        resolve(cache, account=account, contact="c-1")
    assert directory.reads == Counter({"a0": 2, "a1": 1, "a2": 1})


def test_staleness_is_configured_up_to_60_seconds_and_reset_with_the_environment(monkeypatch):
    monkeypatch.setenv("TABLE_NAME", "support")
    monkeypatch.delenv("DIRECTORY_STALENESS_SECONDS", raising=False)
    reset_environment()
    assert caller_directory().staleness == timedelta(seconds=60)
    first = caller_directory()
    monkeypatch.setenv("DIRECTORY_STALENESS_SECONDS", "15")
    assert caller_directory() is first  # per environment: built once
    reset_environment()
    assert caller_directory() is not first and caller_directory().staleness == timedelta(seconds=15)
    monkeypatch.setenv("DIRECTORY_STALENESS_SECONDS", "61")
    reset_environment()
    with pytest.raises(ValidationError):
        caller_directory_settings()
    monkeypatch.delenv("DIRECTORY_STALENESS_SECONDS")
    reset_environment()


def test_a_contact_added_since_the_kept_read_works_at_once_and_an_unknown_one_costs_a_read_a_second(cache, directory, clock):
    resolve(cache)  # the account's contacts are kept
    directory.accounts["acme"]["c-dana"] = ContactEntry(name="Dana", email="dana@acme.example").to_map()
    clock.moment = T + timedelta(seconds=2)

    assert resolve(cache, contact="c-dana").contact_id == "c-dana"
    assert directory.reads["acme"] == 2
    for _ in range(3):  # a contact the directory does not hold: refused, its account read again at most once a second
        with pytest.raises(Unauthorized):
            resolve(cache, contact="c-nobody")
    assert directory.reads["acme"] == 2
    clock.moment = T + timedelta(seconds=3)
    with pytest.raises(Unauthorized):
        resolve(cache, contact="c-nobody")
    assert directory.reads["acme"] == 3
