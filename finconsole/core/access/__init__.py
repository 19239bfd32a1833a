"""Who may come in: login, staff accounts, TOTP credentials, the audit trail."""
