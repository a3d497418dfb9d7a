"""The directory domain's container: its collaborators, built from the environment on first use and kept
for the execution environment's life (docs/architecture.md, "How to add a domain")."""

from __future__ import annotations

from functools import cached_property

from functions.directory.dal.account_repository import AccountRepository
from functions.directory.dal.contact_repository import ContactRepository
from functions.directory.dal.identity import CognitoUsers
from functions.directory.dal.invitations import SesInvitations
from functions.directory.dal.region_repository import RegionRepository
from functions.directory.logic.contacts import SignInServices
from functions.shared.clock import Clock, SystemClock
from functions.shared.dal.secrets import secret_bytes
from functions.shared.environment import per_environment
from functions.shared.page_token import PageTokenCodec, page_tokens
from functions.shared.settings import cases_settings, directory_settings


class DirectoryDependencies:
    def __init__(self) -> None:
        self.clock: Clock = SystemClock()

    @cached_property
    def store(self) -> AccountRepository:
        return AccountRepository(cases_settings().table_name)

    @cached_property
    def regions(self) -> RegionRepository:
        return RegionRepository(cases_settings().table_name)

    @cached_property
    def contacts(self) -> ContactRepository:
        return ContactRepository(cases_settings().table_name)

    @cached_property
    def sign_in(self) -> SignInServices:
        settings = directory_settings()
        return SignInServices(CognitoUsers(settings.user_pool_id), SesInvitations(settings.sender_email), settings.portal_url)

    def pin_key(self) -> bytes:
        """The IVR PINs' HMAC key (a secret read, cached for the container): only the PIN routes ask for it."""
        return secret_bytes(directory_settings().pin_secret_arn)

    def page_tokens(self) -> PageTokenCodec:
        """Called only when a listing has a next page or is given a token: its key is a secret read."""
        return page_tokens()


@per_environment
def dependencies() -> DirectoryDependencies:
    return DirectoryDependencies()
