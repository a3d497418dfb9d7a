"""The contacts routes: an account's authorized contacts, their sign-in, and their IVR PIN."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from aws_lambda_powertools.event_handler.router import Router

from functions.directory.handlers.handle_accounts import AccountId
from functions.directory.logic import contacts
from functions.directory.logic.dependencies import dependencies
from functions.directory.models.contacts import ContactAnswer, ContactChanges, ContactList, NewContact, PinChange, PinCheck, PinVerification
from functions.shared.api.requests import NextToken, PageLimit, current_caller
from functions.shared.api.responses import error_responses, model_response, ok_response
from functions.shared.idempotency import REPLAYED_HEADER, IdempotencyKey, idempotent_request

router = Router()
ContactId = Annotated[str, Path(alias="contactId", pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$", description="e.g. `c-alice`.")]
CONTACTS = "/accounts/<accountId>/contacts"
CONTACT = f"{CONTACTS}/<contactId>"


def _answer(change: contacts.ContactChange, status: int = 200) -> Response[ContactAnswer]:
    headers = {REPLAYED_HEADER: "true"} if change.replayed else {}
    if status == 201:
        headers["Location"] = f"/accounts/{change.contact.account_id}/contacts/{change.contact.contact_id}"
    return model_response(change.contact, status, headers)


@router.post(
    CONTACTS,
    summary="Add an authorized contact",
    description=(
        "Staff, or an administrator of the account (who cannot grant the administrator role). The contact gets a Cognito "
        "user and an invitation email with a temporary password. Over the recommended number of active contacts (5 unless "
        "the account says otherwise) the contact is added with a warning and the region's managers are told; over the "
        "account's hard maximum, 409. If the sign-in could not be finished, the answer's `warnings` say how to finish it."
    ),
    responses={
        **ok_response(ContactAnswer, "The contact (also for a replayed Idempotency-Key).", 201),
        **error_responses(403, 404, 409, 415),
    },
    tags=["Contacts"],
)
def post_contact(
    account_id: AccountId, request: Annotated[NewContact, Body()], idempotency_key: IdempotencyKey = None
) -> Response[ContactAnswer]:
    deps, caller = dependencies(), current_caller(router)
    now = deps.clock.now()
    operation = f"POST /accounts/{account_id}/contacts"
    idempotency = idempotent_request(caller, idempotency_key, operation, request.model_dump(mode="json"), now)
    change = contacts.create_contact(
        account_id, request, caller, idempotency=idempotency, store=deps.contacts, sign_in=deps.sign_in, now=now
    )
    return _answer(change, 201)


@router.get(
    CONTACTS,
    summary="List an account's contacts",
    description="Staff and the account's administrators see every field; the account's other contacts see names and roles.",
    responses={**ok_response(ContactList, "One page of contacts, by id."), **error_responses(404)},
    tags=["Contacts"],
)
def get_contacts(account_id: AccountId, limit: PageLimit = 50, next_token: NextToken = None) -> ContactList:
    deps = dependencies()
    return contacts.list_contacts(
        account_id, current_caller(router), limit=limit, next_token=next_token, store=deps.contacts, page_tokens=deps.page_tokens
    )


@router.get(
    CONTACT,
    summary="Read a contact",
    description="Staff, the account's administrators and the contact see every field; the account's other contacts see names and roles.",
    responses={**ok_response(ContactAnswer, "The contact."), **error_responses(404)},
    tags=["Contacts"],
)
def get_contact(account_id: AccountId, contact_id: ContactId) -> Response[ContactAnswer]:
    deps = dependencies()
    answer = contacts.get_contact(
        account_id, contact_id, current_caller(router), store=deps.contacts, sign_in=deps.sign_in, now=deps.clock.now()
    )
    return model_response(answer)


@router.patch(
    CONTACT,
    summary="Change a contact",
    description=(
        "Staff, or an administrator of the account. Only the fields sent change. MAC and Attendant authorization take effect "
        "in the API within 60 seconds; the administrator role is granted or removed by staff only."
    ),
    responses={**ok_response(ContactAnswer, "The changed contact."), **error_responses(403, 404, 409, 415)},
    tags=["Contacts"],
)
def patch_contact(
    account_id: AccountId, contact_id: ContactId, request: Annotated[ContactChanges, Body()], idempotency_key: IdempotencyKey = None
) -> Response[ContactAnswer]:
    deps, caller = dependencies(), current_caller(router)
    now = deps.clock.now()
    operation = f"PATCH /accounts/{account_id}/contacts/{contact_id}"
    idempotency = idempotent_request(caller, idempotency_key, operation, request.model_dump(mode="json", exclude_unset=True), now)
    return _answer(
        contacts.change_contact(
            account_id, contact_id, request, caller, idempotency=idempotency, store=deps.contacts, sign_in=deps.sign_in, now=now
        )
    )


@router.post(
    f"{CONTACT}/disable",
    summary="Disable a contact",
    description=(
        "Staff, or an administrator of the account (not themselves). The API refuses the contact within 60 seconds, on "
        "every route, even with a token that has not expired; their Cognito user is disabled and signed out everywhere. "
        "Repeating it repeats the Cognito steps only."
    ),
    responses={**ok_response(ContactAnswer, "The disabled contact."), **error_responses(403, 404, 409)},
    tags=["Contacts"],
)
def post_disable(account_id: AccountId, contact_id: ContactId) -> Response[ContactAnswer]:
    deps = dependencies()
    change = contacts.disable_contact(
        account_id, contact_id, current_caller(router), store=deps.contacts, sign_in=deps.sign_in, now=deps.clock.now()
    )
    return _answer(change)


@router.post(
    f"{CONTACT}/enable",
    summary="Enable a disabled contact",
    description="Staff, or an administrator of the account; refused (409) over the account's hard maximum of active contacts.",
    responses={**ok_response(ContactAnswer, "The enabled contact."), **error_responses(403, 404, 409)},
    tags=["Contacts"],
)
def post_enable(account_id: AccountId, contact_id: ContactId) -> Response[ContactAnswer]:
    deps = dependencies()
    change = contacts.enable_contact(
        account_id, contact_id, current_caller(router), store=deps.contacts, sign_in=deps.sign_in, now=deps.clock.now()
    )
    return _answer(change)


@router.post(
    f"{CONTACT}/resend-invitation",
    summary="Send a contact a new invitation",
    description=(
        "Staff, or an administrator of the account: a new temporary password by email, for a contact who has not signed in "
        "yet (409 once they have). It also finishes a sign-in whose provisioning stopped half-way."
    ),
    responses={
        **ok_response(ContactAnswer, "The contact; `signInReady` tells whether the invitation went out."),
        **error_responses(403, 404, 409),
    },
    tags=["Contacts"],
)
def post_resend_invitation(account_id: AccountId, contact_id: ContactId) -> Response[ContactAnswer]:
    deps = dependencies()
    change = contacts.resend_invitation(
        account_id, contact_id, current_caller(router), store=deps.contacts, sign_in=deps.sign_in, now=deps.clock.now()
    )
    return _answer(change)


@router.put(
    f"{CONTACT}/pin",
    summary="Set your IVR PIN",
    description="The contact themselves only. The PIN is kept as a keyed hash: it is never shown, logged or emailed.",
    responses={204: {"description": "The PIN is set."}, **error_responses(403, 404, 415)},
    tags=["Contacts"],
)
def put_pin(account_id: AccountId, contact_id: ContactId, request: Annotated[PinChange, Body()]) -> Response[None]:
    deps = dependencies()
    contacts.set_pin(
        account_id, contact_id, request, current_caller(router), store=deps.contacts, pin_key=deps.pin_key(), now=deps.clock.now()
    )
    return Response(status_code=204)


@router.post(
    f"{CONTACT}/pin/verify",
    summary="Verify a caller's IVR PIN",
    description="Support staff taking a phone call. After 5 wrong PINs the PIN locks (409 `pin_locked`) until staff unlock it.",
    responses={**ok_response(PinVerification, "Whether the PIN matched, and the tries left."), **error_responses(403, 404, 409, 415)},
    tags=["Contacts"],
)
def post_verify_pin(account_id: AccountId, contact_id: ContactId, request: Annotated[PinCheck, Body()]) -> PinVerification:
    deps = dependencies()
    return contacts.verify_pin(account_id, contact_id, request, current_caller(router), store=deps.contacts, pin_key=deps.pin_key())


@router.post(
    f"{CONTACT}/pin/unlock",
    summary="Unlock a locked IVR PIN",
    description="Support staff, after verifying the contact another way.",
    responses={**ok_response(ContactAnswer, "The contact."), **error_responses(403, 404)},
    tags=["Contacts"],
)
def post_unlock_pin(account_id: AccountId, contact_id: ContactId) -> Response[ContactAnswer]:
    deps = dependencies()
    return _answer(contacts.unlock_pin(account_id, contact_id, current_caller(router), store=deps.contacts, now=deps.clock.now()))
