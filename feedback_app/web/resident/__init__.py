"""Pages for residents: the survey (/, /h/<code>, /c/<campaign>/<commune>), its QR images (/qr/...),
and a commune's published results (/results/...).
"""
