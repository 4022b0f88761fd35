"""Outbound alerts: LINE push, SMS gateway, email and signed webhooks, through a database outbox with retries.

A caller queues a `Message` inside its own transaction (`message_queue`); the worker's sweep (`outbox_sweep`) sends
it, retries it with growing waits, and tells the caller's app the outcome through a handler registered for the
message's purpose. Local stand-ins of the LINE Messaging API and of an SMS gateway live in `standins`.
"""
