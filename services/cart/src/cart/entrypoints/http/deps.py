"""Dependencies the cart's routes share: the caller (bearer and/or cart token), settings, payments."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, Header, Path, Request

from cart.adapters.payments import PaymentGateway
from cart.service_layer.access import Caller
from cart.settings import CartSettings
from clinic_shared.auth import OptionalUser

Id = Annotated[str, Path(pattern=r"^[A-Za-z0-9-]{1,64}$")]


async def get_settings(request: Request) -> CartSettings:
    return cast(CartSettings, request.app.state.settings)


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
