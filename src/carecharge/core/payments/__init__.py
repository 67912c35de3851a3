"""Money received: how it is allocated to the invoices a debtor owes."""
