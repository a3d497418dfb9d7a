"""Fault injection for the outbox tests: the bus failing while changes commit."""

from __future__ import annotations

from botocore.exceptions import ClientError

from functions.outbox.dal import event_bus as event_bus_module


class BusOutage:
    """While on, the publisher's PutEvents fails: with `refuse_from=None` the call itself fails (a 5xx);
    with `refuse_from=n` the bus takes the first n entries of each call and refuses the rest (a partial
    failure). `calls` counts the PutEvents attempted."""

    def __init__(self, monkeypatch, *, refuse_from: int | None = None):
        self.on, self.refuse_from, self.calls = True, refuse_from, 0
        real_client = event_bus_module.client
        outage = self

        class FailingEvents:
            def __init__(self, events):
                self.events = events

            def put_events(self, Entries):  # noqa: N803 (botocore's parameter name)
                outage.calls += 1
                if not outage.on:
                    return self.events.put_events(Entries=Entries)
                if outage.refuse_from is None:
                    raise ClientError({"Error": {"Code": "InternalException", "Message": "injected"}}, "PutEvents")
                taken = self.events.put_events(Entries=Entries[: outage.refuse_from]) if outage.refuse_from else {"Entries": []}
                refused = [{"ErrorCode": "ThrottlingException", "ErrorMessage": "injected"}] * (len(Entries) - outage.refuse_from)
                return {"FailedEntryCount": len(refused), "Entries": taken["Entries"] + refused}

        monkeypatch.setattr(
            event_bus_module, "client", lambda service: FailingEvents(real_client(service)) if service == "events" else real_client(service)
        )

    def clear(self) -> None:
        self.on = False
