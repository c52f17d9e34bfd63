"""A local Telegram Bot API emulator: used by the tests, the benchmarks and ``python -m bot demo``.

It keeps chats, messages and polls in memory, validates every call against the Bot API
reference (see :mod:`bot.demo.emulator.spec`) and lets simulated people act: send messages,
press buttons, vote. It is reached either in-process (:mod:`bot.demo.emulator.request`) or over
real loopback HTTP (:mod:`bot.demo.emulator.server`).
"""
