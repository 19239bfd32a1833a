"""The outbox: every message the register sends to a customer or to a recipient of their data.

It owns the ``outbox_message`` table and the whole life of a message: queued by the service
that caused it (a request recorded, extended or answered, an access export ready, an erasure
done, a disclosure announced, an authority inquiry, an Art 19 notice, a lost-parcel claim),
written from a template in the person's language (fi/sv/en), sent by SMTP to the shop's own
mail server with retries and backoff (``finconsole outbox send``, the console's background
worker), or printed and marked sent by post. Failures keep their reason; the officer cancels
or resends. Messages about an erased person forget the address once sent, or after a short
bound if they cannot be sent.

Modules: ``outbox`` (the service: queue, send, cancel, resend, forget), ``smtp`` (the
``[mail]`` settings and sending with ``smtplib`` over verified TLS), ``templates`` and
``template_texts`` (the letters), ``notices`` (one function per kind of message, called by the
other domains).
"""
