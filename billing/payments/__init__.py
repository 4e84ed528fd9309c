"""Studio commerce (studio schema): what a studio sells, who holds what, the entitlement engine, invoices."""
