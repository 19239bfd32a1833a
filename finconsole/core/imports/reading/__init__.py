"""Reading an export safely, before any row is interpreted: one encoding a file (encoding),
the file-level limits (limits: regular files only, sizes, line lengths, JSON nesting), dates
in the shop's forms and time zone (dates), phone numbers in the row's own country (phones)."""
