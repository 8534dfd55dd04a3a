"""SMS webhooks under /sms/: Twilio's (twilio.py) and Kannel's (kannel.py) inbound messages and
delivery reports."""
