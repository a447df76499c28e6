"""Dependencies the cart's routes share: the typed runtime (and its settings), the caller (bearer and/or
cart token), payments."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, Header, Path, Request

from cart.adapters.payments import PaymentGateway
from cart.service_layer.access import Caller
from cart.settings import CartRuntime, CartSettings
from clinic_shared.auth import OptionalUser

Id = Annotated[str, Path(pattern=r"^[A-Za-z0-9-]{1,64}$")]


async def get_runtime(request: Request) -> CartRuntime:
    runtime: CartRuntime = request.app.state.runtime  # built by bootstrap.build_runtime, typed there
    return runtime


RuntimeDep = Annotated[CartRuntime, Depends(get_runtime)]


async def get_settings(runtime: RuntimeDep) -> CartSettings:
    return runtime.settings


async def get_payments(request: Request) -> PaymentGateway:
    return cast(PaymentGateway, request.app.state.payments)


async def get_caller(
    user: OptionalUser,
    x_cart_token: Annotated[str | None, Header(max_length=200, description="An anonymous cart's token.")] = None,
) -> Caller:
    return Caller(principal=user, cart_token=x_cart_token or None)


SettingsDep = Annotated[CartSettings, Depends(get_settings)]
PaymentsDep = Annotated[PaymentGateway, Depends(get_payments)]
CallerDep = Annotated[Caller, Depends(get_caller)]
