"""The disputes app's models: screening (rounds and the ledger) and people's mediation.

Split by sub-domain (docs/architecture.md §1); every name is re-exported here.
"""
from .mediation import (
    AgreementParty,
    MediationAgreement,
    MediationCase,
    MediationCounter,
    MediationEscalation,
    MediationEvent,
    MediationParty,
    MediationReturnVisit,
    MediationSession,
)
from .screening import (
    Campaign,
    DisputeType,
    EntryEvent,
    EntryParty,
    LedgerEntry,
    RiskLevel,
    RoundEntry,
    ScreeningCadence,
    ScreeningRound,
)

__all__ = [
    "AgreementParty",
    "Campaign",
    "DisputeType",
    "EntryEvent",
    "EntryParty",
    "LedgerEntry",
    "MediationAgreement",
    "MediationCase",
    "MediationCounter",
    "MediationEscalation",
    "MediationEvent",
    "MediationParty",
    "MediationReturnVisit",
    "MediationSession",
    "RiskLevel",
    "RoundEntry",
    "ScreeningCadence",
    "ScreeningRound",
]
