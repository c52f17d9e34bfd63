"""How updates reach the handlers: a source feeds the durable inbox, which applies them in lanes.

An update source (:mod:`~bot.runtime.updates.source`; long polling today,
:mod:`~bot.runtime.updates.polling`) hands each batch to :meth:`Inbox.receive
<bot.runtime.updates.inbox.Inbox.receive>`, which stores it before the source confirms it
to Telegram. The :mod:`~bot.runtime.updates.inbox` applies stored updates per chat
(:mod:`~bot.runtime.updates.lanes`), keeps those that met a passing database fault
(:mod:`~bot.runtime.updates.faults`), and a guard in front of the handlers skips ids already
applied (:mod:`~bot.runtime.updates.guard`, :mod:`~bot.runtime.updates.applied`).
:mod:`~bot.runtime.updates.serve` is the process's life around them.
"""
