"""People's mediation (人民调解): mediation cases, opened on their own, from a ledger entry or from a petition."""
