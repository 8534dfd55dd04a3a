"""SMS webhooks under /sms/: Twilio's inbound messages and delivery reports (twilio.py)."""
