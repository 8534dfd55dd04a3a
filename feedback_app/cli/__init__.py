"""`flask --app wsgi <group> <command>`: thin commands that call services and commit once."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from . import (
        campaigns,
        demo,
        flags,
        follows,
        indices,
        reports,
        sms,
        succession,
        surveys,
        tokens,
        units,
        users,
    )

    app.cli.add_command(units.group)
    app.cli.add_command(surveys.group)
    app.cli.add_command(campaigns.group)
    campaigns.group.add_command(follows.follows)
    app.cli.add_command(demo.command)
    app.cli.add_command(sms.group)
    app.cli.add_command(sms.worker)
    units.group.add_command(succession.import_succession)
    app.cli.add_command(indices.group)
    app.cli.add_command(tokens.group)
    app.cli.add_command(users.group)
    app.cli.add_command(reports.group)
    reports.group.add_command(flags.report_flags)
    campaigns.group.add_command(flags.flag_settings)
