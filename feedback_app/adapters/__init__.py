"""Adapters to the outside world (QR images, SMS providers, queues), behind small interfaces."""
