"""Dispute screening (矛盾纠纷排查): screening rounds and the ledger of the disputes they find."""
