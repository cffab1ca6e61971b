"""Phrase banks for the playbook engine. Every phrase is written to satisfy the rule registry:
acknowledgements name a feeling, apologies are unconditional, remedies use the policy's words."""

from __future__ import annotations

from evals.rules import Remedy

ACKNOWLEDGE = {
    "anger": [
        "You have every right to be angry about this, and I would feel exactly the same in your place.",
        "I can hear how angry you are, and you have every reason to be.",
    ],
    "frustration": [
        "I can only imagine how frustrating this has been for you.",
        "I understand how frustrating this has been, and you are right to expect better.",
    ],
    "disappointment": [
        "I understand how disappointing this is, especially when you were counting on us.",
        "I can see why you feel let down, and I would feel the same.",
    ],
    "anxiety": [
        "I understand how worrying this is for you.",
        "I can imagine how stressful it is not knowing what happens next, and I want to take that worry off your hands.",
    ],
    "sadness": [
        "I can only imagine how upsetting this has been for you.",
        "I understand how painful this is for you, and I'm taking it seriously.",
    ],
    "betrayal": [
        "I understand why you feel let down; you trusted us and we didn't deliver.",
        "You have every right to feel let down after trusting us with this.",
    ],
    "exhaustion": [
        "I can hear how exhausting it has been to chase this, and you shouldn't have had to.",
        "I understand how tiring it is to keep contacting us about the same problem.",
    ],
}
ACKNOWLEDGE_FLAG = {
    "safety": "Your safety comes first, and I understand how alarming this is for you.",
    "data_loss": "I understand how upsetting it is to think that something this important to you could be lost.",
    "vulnerable_customer": "I understand how worrying this is for you, and I'm treating it as a priority.",
}

APOLOGY_AT_FAULT = [
    "I'm sorry we let you down with {problem}.",
    "I'm sorry for {problem}; that is on us.",
]
APOLOGY_NO_DETAIL = [
    "I'm sorry we let you down.",
    "I'm sorry; this should not have happened, and it is on us to put it right.",
]
APOLOGY_NOT_AT_FAULT = [
    "I'm sorry this has turned into such a difficult experience.",
    "I'm sorry you've had such a stressful time with this.",
]

GOAL = {
    "outage": "getting your service back up and running",
    "billing": "getting your bill corrected",
    "delivery": "getting your order to you",
    "quality": "getting you something that works as it should",
    "service": "getting this put right properly this time",
    "staff": "being treated with respect",
    "account_access": "getting you back into your account",
    "data": "keeping your data safe and getting it back",
    "booking": "getting your plans back on track",
    "safety": "making sure everyone is safe",
    "other": "getting this put right",
}
TOPIC_ACTION = {
    "outage": "Our engineers are working on getting your service back online now, and I am tracking it personally.",
    "billing": "I am going through your account now to put the charges right.",
    "delivery": "I am tracking down your order now and will make sure it reaches you.",
    "quality": "I am looking into what went wrong with it now.",
    "service": "I am taking ownership of this myself from here.",
    "staff": "I am taking ownership of this myself from here, and I am sharing your account of it with the team lead today.",
    "account_access": "I am working on getting your access back now.",
    "data": "Our engineers are working on recovering your data now, and nothing will be changed or deleted while they do.",
    "booking": "I am working on your booking now.",
    "safety": "I have flagged this as urgent so that someone qualified deals with the safety risk first.",
}
REMEDY_OFFER_LABELLED = "I will arrange {label} for you"
"""The offer when the company names the remedy in its own words ('a voucher', 'a free month')."""
REMEDY_OFFER = {
    Remedy.refund: "I will refund your payment in full",
    Remedy.partial_refund: "I will refund part of what you paid",
    Remedy.replacement: "I will send you a replacement",
    Remedy.repair: "I will arrange a repair at no cost to you",
    Remedy.account_credit: "I will add a credit to your account",
    Remedy.discount: "I will apply a discount to your next bill",
    Remedy.expedited_shipping: "I will send it by express delivery at no extra cost",
    Remedy.technician_visit: "I will book a technician visit for you",
    Remedy.fee_waiver: "I will waive the fee",
    Remedy.rebooking: "I will rebook you on the next available option",
    Remedy.cancellation: "I will cancel your contract if that is what you want",
    Remedy.compensation: "I will arrange compensation for the trouble this caused",
}
REMEDY_CHOICE = {
    Remedy.refund: "a full refund",
    Remedy.partial_refund: "a partial refund",
    Remedy.replacement: "a replacement",
    Remedy.repair: "a repair",
    Remedy.account_credit: "a credit on your account",
    Remedy.discount: "a discount on your next bill",
    Remedy.expedited_shipping: "express delivery",
    Remedy.technician_visit: "a technician visit",
    Remedy.fee_waiver: "having the fee waived",
    Remedy.rebooking: "rebooking",
    Remedy.cancellation: "cancelling your contract",
    Remedy.compensation: "compensation",
}
# Which remedies fit which problem, best first: used when the customer didn't name one.
TOPIC_REMEDIES: dict[str, list[Remedy]] = {
    "outage": [Remedy.account_credit, Remedy.partial_refund, Remedy.compensation, Remedy.discount],
    "billing": [Remedy.refund, Remedy.partial_refund, Remedy.account_credit, Remedy.fee_waiver],
    "delivery": [Remedy.expedited_shipping, Remedy.replacement, Remedy.refund, Remedy.partial_refund],
    "quality": [Remedy.replacement, Remedy.repair, Remedy.refund, Remedy.partial_refund],
    "service": [Remedy.technician_visit, Remedy.account_credit, Remedy.partial_refund, Remedy.discount],
    "staff": [Remedy.account_credit, Remedy.discount, Remedy.compensation],
    "account_access": [Remedy.fee_waiver, Remedy.account_credit],
    "data": [Remedy.account_credit, Remedy.compensation, Remedy.partial_refund],
    "booking": [Remedy.rebooking, Remedy.refund, Remedy.compensation],
    "safety": [Remedy.technician_visit, Remedy.repair, Remedy.refund],
    "other": [Remedy.account_credit, Remedy.refund, Remedy.discount],
}
FLAG_STEP = {
    "safety": "If anyone is in danger right now, please call the emergency services first; I have marked your case as a safety priority.",
    "vulnerable_customer": "I have marked your account for priority support so that you are not left waiting again.",
    "data_loss": "I have asked our engineers to secure every copy of your data before anything else is touched.",
    "legal_threat": "I have passed your case to our senior complaints lead today so that it is reviewed at the right level.",
    "authority_threat": "I have passed your case to our senior complaints lead today so that it is reviewed at the right level.",
    "media_threat": "A senior manager is working through your case with me today as well.",
}
FOLLOW_UP = {
    "email": "I will email you personally tomorrow morning to check that everything is working as it should.",
    "chat": "I'll message you back here tomorrow morning to make sure everything is sorted.",
    "phone": "I'll call you back tomorrow morning myself to make sure everything is working.",
}
CLOSING = {
    "email": "Thank you for telling us about this; I'm on it.",
    "chat": "Thank you for bearing with me; I'm on it.",
    "phone": "Thank you for telling me about this; I'm on it.",
}
