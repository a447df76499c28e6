"""Carts: make one, read it, add/change/remove items, merge on sign-in, check out."""

from __future__ import annotations

from fastapi import APIRouter, Response

from cart.entrypoints.http.deps import CallerDep, Id, PaymentsDep, RuntimeDep
from cart.entrypoints.http.schemas import CartCreated, CartOut, CheckoutIn, CheckoutOut, ClaimOut, ItemIn, QuantityIn
from cart.service_layer import carts as svc
from cart.service_layer.checkout import CheckoutRequest, checkout
from clinic_shared.errors import problem_responses

router = APIRouter(prefix="/carts", tags=["carts"])
CART_ERRORS = problem_responses(401, 404, 409, 422)


@router.post("", status_code=201, response_model=CartCreated,
             responses={200: {"model": CartCreated, "description": "The signed-in customer's open cart"},
                        **problem_responses(401, 409, 422)})
async def create_cart(runtime: RuntimeDep, caller: CallerDep, response: Response) -> CartCreated:
    """Signed in (bearer): the customer's open cart, made if missing (200 when it was there).
    Anonymous: a new cart and its `token`, shown once; send it as `X-Cart-Token` from then on."""
    priced, token, created = await svc.create_cart(runtime, caller)
    if not created:
        response.status_code = 200
    return CartCreated(**CartOut.of(priced).model_dump(), token=token)


@router.get("/{cart_id}", response_model=CartOut, responses=CART_ERRORS)
async def get_cart(runtime: RuntimeDep, caller: CallerDep, cart_id: Id) -> CartOut:
    """Each line shows the price seen and the current price (and a notice when they differ), the customer's
    discount per unit and the totals. An empty cart answers `items: []`, `is_empty: true`."""
    return CartOut.of(await svc.get_cart(runtime, cart_id, caller))


@router.post("/{cart_id}/items", status_code=201, response_model=CartOut, responses=CART_ERRORS)
async def add_item(runtime: RuntimeDep, caller: CallerDep, cart_id: Id,
                   body: ItemIn) -> CartOut:
    """Adds units of a SKU at its current price; a SKU already in the cart adds to its line."""
    return CartOut.of(await svc.add_item(runtime, cart_id, caller, body.sku, body.quantity))


@router.patch("/{cart_id}/items/{line_id}", response_model=CartOut, responses=CART_ERRORS)
async def change_quantity(runtime: RuntimeDep, caller: CallerDep, cart_id: Id, line_id: Id,
                          body: QuantityIn) -> CartOut:
    return CartOut.of(await svc.change_quantity(runtime, cart_id, caller, line_id, body.quantity))


@router.delete("/{cart_id}/items/{line_id}", response_model=CartOut, responses=CART_ERRORS)
async def remove_item(runtime: RuntimeDep, caller: CallerDep, cart_id: Id,
                      line_id: Id) -> CartOut:
    """Removes the line and answers the cart as it is now."""
    return CartOut.of(await svc.remove_item(runtime, cart_id, caller, line_id))


@router.post("/{cart_id}/merge", response_model=CartOut, responses=CART_ERRORS)
async def merge_cart(runtime: RuntimeDep, caller: CallerDep, cart_id: Id) -> CartOut:
    """On sign-in: send the bearer token and the anonymous cart's `X-Cart-Token`. The anonymous cart's items
    fold into the customer's open cart (quantities of a SKU add up); with no open cart, the anonymous cart
    becomes the customer's. Answers the customer's cart; merging again answers it again."""
    return CartOut.of(await svc.merge_into_customer(runtime, cart_id, caller))


@router.post("/{cart_id}/claim", response_model=ClaimOut, responses=problem_responses(401, 403, 404, 409, 422))
async def claim_cart(runtime: RuntimeDep, caller: CallerDep, cart_id: Id) -> ClaimOut:
    """On sign-in (bearer with the `customer` role, and the cart's `X-Cart-Token`): a cart bought signed out
    becomes the customer's, with its order (OrderClaimed), so a paid evaluation counts for the customer.
    An open anonymous cart is merged as by `/merge`. Claiming again answers the same."""
    priced, claimed = await svc.claim_cart(runtime, cart_id, caller)
    return ClaimOut(cart=CartOut.of(priced), order_ids=[o.id for o in claimed])


@router.post("/{cart_id}/checkout", status_code=201, response_model=CheckoutOut,
             responses={200: {"model": CheckoutOut, "description": "This cart was checked out already: its order"},
                        **problem_responses(401, 404, 409, 422, 502)})
async def checkout_cart(runtime: RuntimeDep, payments: PaymentsDep, caller: CallerDep,
                        cart_id: Id, body: CheckoutIn, response: Response) -> CheckoutOut:
    """Re-checks prices, discounts, the region and the evaluation rule (409 with `reasons` when refused; a total
    under the payment provider's minimum is refused the same way), confirms the total (409 "Total changed" with
    `total` and `expected_total`), reserves the discounts, makes the order and its Stripe PaymentIntent. A cart
    makes one order: checking out again answers it (200)."""
    order, created = await checkout(runtime, payments, cart_id, caller,
                                    CheckoutRequest(region=body.region, expected_total=body.expected_total))
    if not created:
        response.status_code = 200
    return CheckoutOut.of(order)
