"""File transfer: the account's files folder (inbox, outbox) and the SFTP server confined to it."""
