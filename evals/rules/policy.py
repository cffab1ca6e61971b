"""What the company allows a reply to offer. Shared by the API contract and the policy rule."""

from __future__ import annotations

import re
from enum import Enum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, ValidatorFunctionWrapHandler, WrapValidator
from pydantic_core import PydanticCustomError


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


class LabelledRemedy(BaseModel):
    """A remedy in the company's own words ("voucher", "free month"), optionally mapped to a built-in kind."""

    model_config = ConfigDict(allow_inf_nan=False, extra="forbid")

    label: str = Field(
        min_length=1,
        max_length=60,
        pattern=r"^[^\W_]+([ '&/-][^\W_]+)*$",
        description="What the company calls it, as the reply says it: 'voucher', 'free month'.",
    )
    kind: Remedy | None = Field(default=None, description="The built-in kind it is; null = matched by the label's own words in the reply.")
    max_amount: float | None = Field(
        default=None, ge=0, strict=True, description="Largest amount offered with this remedy; null = the policy's max_amount."
    )
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$", description="ISO 4217 code; null = the policy's currency.")

    def named_in(self, text: str) -> bool:
        """The label's own words appear in `text` (any case, whole words, any spacing)."""
        words = r"\s+".join(re.escape(w) for w in self.label.split())
        return re.search(rf"(?<!\w){words}(?!\w)", text, re.I) is not None


def _kind_or_labelled(value: Any, handler: ValidatorFunctionWrapHandler) -> Remedy | LabelledRemedy:
    """A string is a built-in kind, validated here so a bad one is reported at its own position in the list
    (as before labelled remedies existed); anything else is a labelled remedy."""
    if isinstance(value, str):
        try:
            return Remedy(value)
        except ValueError:
            raise PydanticCustomError(
                "enum",
                "Input should be one of {expected}, or a labelled remedy {{label, kind?, max_amount?, currency?}}",
                {"expected": ", ".join(f"'{r.value}'" for r in Remedy)},
            ) from None
    validated: Remedy | LabelledRemedy = handler(value)
    return validated


AllowedRemedy = Annotated[
    Annotated[Remedy, Tag("kind")] | Annotated[LabelledRemedy, Tag("labelled")],
    Discriminator(lambda v: "kind" if isinstance(v, str) else "labelled"),
    WrapValidator(_kind_or_labelled),
]
"""A built-in kind ('refund') or the company's own labelled remedy ({'label': 'voucher', 'kind': 'compensation'})."""


class Policy(BaseModel):
    """Remedies a reply may offer. `allowed_remedies=None` means unconstrained."""

    model_config = ConfigDict(allow_inf_nan=False)  # JSON has no Infinity/NaN; 1e309 parses to inf

    allowed_remedies: list[AllowedRemedy] | None = Field(
        default=None,
        description="Remedies the reply may offer: built-in kinds ('refund') or the company's own labelled remedies "
        "({label, kind?, max_amount?, currency?}); null = any.",
    )
    max_amount: float | None = Field(
        default=None, ge=0, strict=True, description="Largest money amount the reply may offer (refund, credit, compensation)."
    )
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$", description="ISO 4217 code.")

    @property
    def labelled(self) -> list[LabelledRemedy]:
        return [r for r in self.allowed_remedies or () if isinstance(r, LabelledRemedy)]

    def _kinds(self) -> set[Remedy]:
        kinds = (r.kind if isinstance(r, LabelledRemedy) else r for r in self.allowed_remedies or ())
        return {k for k in kinds if k is not None}

    def allows(self, remedy: Remedy) -> bool:
        """A built-in kind, or a labelled remedy of that kind, is allowed."""
        if self.allowed_remedies is None:
            return True
        kinds = self._kinds()
        # A full refund allowance covers a partial one.
        return remedy in kinds or (remedy is Remedy.partial_refund and Remedy.refund in kinds)

    def label_for(self, remedy: Remedy) -> LabelledRemedy | None:
        """The company's own remedy of this kind, when it names one."""
        return next((r for r in self.labelled if r.kind is remedy), None)

    def name(self, remedy: AllowedRemedy) -> str:
        """How a prompt or a message names an allowed remedy."""
        if isinstance(remedy, Remedy):
            return remedy.value
        notes = [remedy.kind.value] if remedy.kind else []
        if remedy.max_amount is not None:
            notes.append(f"at most {remedy.max_amount:g} {remedy.currency or self.currency}")
        return f"{remedy.label} ({', '.join(notes)})" if notes else remedy.label
