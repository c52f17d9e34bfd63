"""A local Telegram Bot API emulator: used by the tests, the benchmarks and ``python -m bot demo``.

It keeps chats, messages and polls in memory, validates every call against the Bot API
reference (see :mod:`bot.emulator.spec`) and lets simulated people act: send messages,
press buttons, vote. It is reached either in-process (:mod:`bot.emulator.request`) or over
real loopback HTTP (:mod:`bot.emulator.server`).
"""
