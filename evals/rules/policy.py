"""What the company allows a reply to offer. Shared by the API contract and the policy rule."""
from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, ConfigDict, Field


class Remedy(str, Enum):
    refund = "refund"
    partial_refund = "partial_refund"
    replacement = "replacement"
    repair = "repair"
    account_credit = "account_credit"
    discount = "discount"
    expedited_shipping = "expedited_shipping"
    technician_visit = "technician_visit"
    fee_waiver = "fee_waiver"
    rebooking = "rebooking"
    cancellation = "cancellation"
    compensation = "compensation"


class Policy(BaseModel):
    """Remedies a reply may offer. `allowed_remedies=None` means unconstrained."""

    model_config = ConfigDict(allow_inf_nan=False)  # JSON has no Infinity/NaN; 1e309 parses to inf

    allowed_remedies: list[Remedy] | None = Field(
        default=None, description="Remedy kinds the reply may offer; null = any."
    )
    max_amount: float | None = Field(
        default=None, ge=0, strict=True, description="Largest money amount the reply may offer (refund, credit, compensation)."
    )
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$", description="ISO 4217 code.")

    def allows(self, remedy: Remedy) -> bool:
        if self.allowed_remedies is None:
            return True
        if remedy in self.allowed_remedies:
            return True
        # A full refund allowance covers a partial one.
        return remedy is Remedy.partial_refund and Remedy.refund in self.allowed_remedies
