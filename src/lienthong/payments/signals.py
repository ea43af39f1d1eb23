"""Signals of the payments app.

`payment_succeeded(sender=Payment, payment=<Payment>)` is sent exactly once per payment, inside
the transaction that records it as paid: a receiver's change commits with it, and a receiver
that raises undoes the whole notification (the gateway is answered with an error and sends it
again later).
"""

from django.dispatch import Signal

payment_succeeded = Signal()
