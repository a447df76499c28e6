"""One transaction type: a route's use case and an event handler receive the same `Tx`."""

from __future__ import annotations

import inspect

from clinic_shared import runtime
from clinic_shared.events.envelope import Envelope
from clinic_shared.messaging.subscription import MessageContext
from clinic_shared.outbox.writer import Tx


def test_a_handler_context_is_a_transaction() -> None:
    assert runtime.Tx is Tx
    assert issubclass(MessageContext, Tx)
    # No second publish: the handler's is the transaction's own.
    assert MessageContext.publish is Tx.publish
    assert inspect.iscoroutinefunction(Tx.publish)


def test_the_envelope_is_named_not_positional() -> None:
    envelope = Envelope.model_construct() if hasattr(Envelope, "model_construct") else object()
    ctx = MessageContext(session=None, source="/t", envelope=envelope)  # type: ignore[arg-type]
    assert (ctx.source, ctx.envelope) == ("/t", envelope)
