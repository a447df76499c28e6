from __future__ import annotations

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from clinic_shared.runtime import ServiceRuntime
from clinic_shared.settings import ServiceSettings

PLACEHOLDER_STRIPE = {"", "sk_test_123", "whsec_development_only", "changethis"}


class CartSettings(ServiceSettings):
    """CART_DATABASE_URL, CART_CURRENCY, CART_MINIMUM_CHARGE, CART_PENDING_ORDER_TTL_SECONDS,
    CART_V1_DISCOUNT_MAX_UNITS, CART_V1_DISCOUNT_PERCENT_OFF; STRIPE_API_BASE, STRIPE_API_KEY,
    STRIPE_WEBHOOK_SECRET by their plain names; and the shared variables (KAFKA_BOOTSTRAP_SERVERS, ...)."""

    model_config = SettingsConfigDict(env_prefix="CART_", extra="ignore", populate_by_name=True)

    database_url: str = "sqlite+aiosqlite:///var/data/cart.db"
    currency: str = Field("USD", pattern=r"^[A-Z]{3}$")  # what an empty cart answers with
    stripe_api_base: str = Field("http://127.0.0.1:12111", validation_alias="STRIPE_API_BASE")
    stripe_api_key: str = Field("sk_test_123", validation_alias="STRIPE_API_KEY")
    stripe_webhook_secret: str = Field("whsec_development_only", validation_alias="STRIPE_WEBHOOK_SECRET")
    # Stripe's own default: a signed webhook older than this is refused (replay protection).
    stripe_webhook_tolerance_seconds: int = Field(300, ge=1, le=3600)
    # The smallest charge the payment provider takes, minor units (Stripe's USD minimum is 50 cents); a
    # smaller total is refused at checkout with a 409, before any order or PaymentIntent is made.
    minimum_charge: int = Field(50, ge=1, le=100_000)
    # An order awaiting payment holds its discounts this long; after it, the order is abandoned: its hold
    # lapses (another cart may take the discount, and the order is canceled when it does).
    pending_order_ttl_seconds: int = Field(3600, ge=60, le=7 * 24 * 3600)
    # DiscountGranted v1 carried no unit cap, percentage or competitor price: how the cart reads one.
    v1_discount_max_units: int = Field(1, ge=1, le=99)
    v1_discount_percent_off: int = Field(20, ge=1, le=99)

    @model_validator(mode="after")
    def _no_placeholder_stripe_secrets_outside_development(self) -> CartSettings:
        if self.environment not in {"development", "test"}:
            for name in ("stripe_api_key", "stripe_webhook_secret"):
                if getattr(self, name) in PLACEHOLDER_STRIPE:
                    raise ValueError(f"{name.upper()} must be set to a real secret outside development")
        return self


CartRuntime = ServiceRuntime[CartSettings]
"""The cart's runtime: `runtime.settings` is a CartSettings (no cast), for routes and use cases alike."""
