"""QR codes encode absolute links under PUBLIC_BASE_URL; the demo tells a new user what to open."""

from __future__ import annotations

import json
from pathlib import Path

from feedback_app.adapters.qr import qr_image

from ..support import PUBLIC_BASE_URL, codes_of


def test_household_qr_encodes_the_absolute_household_link(client, campaign):
    code = codes_of(campaign)[0]
    for fmt, media in (("png", "image/png"), ("svg", "image/svg+xml")):
        image = client.get(f"/qr/h/{code}.{fmt}")
        assert image.status_code == 200 and image.mimetype == media
        assert image.data == qr_image(f"{PUBLIC_BASE_URL}/h/{code}", fmt)  # type: ignore[arg-type]
    assert client.get(f"/qr/h/{code}.png").data[:8] == b"\x89PNG\r\n\x1a\n"


def test_commune_qr_encodes_the_open_link(client, campaign):
    image = client.get("/qr/c/test-campaign/03390.svg")
    assert image.status_code == 200
    assert image.data == qr_image(f"{PUBLIC_BASE_URL}/c/test-campaign/03390", "svg")
    assert client.get("/qr/c/test-campaign/99999.svg").status_code == 404
    assert client.get("/qr/h/000000000000000.png").status_code == 404
    assert client.get(f"/qr/h/{codes_of(campaign)[0]}.gif").status_code == 404


def test_demo_json_lists_campaign_communes_and_working_codes(runner, client):
    result = runner.invoke(args=["demo", "--json"])
    assert result.exit_code == 0, result.output
    demo = json.loads(result.output)
    assert demo["campaign"]["key"] == "demo-ntm-lai-chau"
    assert demo["campaign"]["unit"]["name"] == "Tỉnh Lai Châu"
    communes = demo["communes"]
    assert len(communes) == 36  # Lai Châu's rural communes (its two wards are not surveyed)
    first = communes[0]
    assert set(first) >= {"code", "name", "households", "survey_url", "household_codes"}
    assert first["households_synthetic"] is True
    assert first["survey_url"] == f"{PUBLIC_BASE_URL}/c/demo-ntm-lai-chau/{first['code']}"
    # Bình Lư is a believable commune: synthetic villages, a code per registered household, and
    # synthetic answers (40 of its 49 households); the communes without villages get 20 codes.
    assert first["code"] == "03390" and first["households"] == 49
    assert [v["households"] for v in first["villages"]] == [14, 11, 16, 8]
    assert all(v["households_synthetic"] and v["name"].endswith("(demo)") for v in first["villages"])
    assert len(first["household_codes"]) == 9 == sum(len(v["household_codes"]) for v in first["villages"])
    assert first["villages"][3]["collect_url"].endswith("/committee/collect/demo-ntm-lai-chau/03390"
                                                        "?village=03390004")
    plain = next(c for c in communes if c["code"] == "03424")
    assert plain["villages"] == [] and len(plain["household_codes"]) == 20
    cadre = next(a for a in demo["accounts"] if a["unit"]["code"] == "03390001")
    assert (cadre["unit"]["level"], cadre["role"]) == ("village", "officer")
    assert "synthetic" in demo["answers_note"]
    page = client.get(first["survey_url"].removeprefix(PUBLIC_BASE_URL))
    assert page.status_code == 200
    assert client.get(f"/h/{first['household_codes'][0]}").status_code == 200

    # Running it again reuses the demo.
    again = json.loads(runner.invoke(args=["demo", "--json"]).output)
    assert again["communes"][0]["household_codes"] == first["household_codes"]
    text = runner.invoke(args=["demo"]).output
    assert "already there" in text and f"{PUBLIC_BASE_URL}/h/" in text


def test_surveys_check_names_the_broken_file_and_field(runner, tmp_path):
    shipped = Path(runner.app.config["SURVEYS_DIR"])
    (tmp_path / "ok.yaml").write_text((shipped / "ntm-commune.v1.yaml").read_text("utf-8"), "utf-8")
    broken = (shipped / "ntm-commune-5.v1.yaml").read_text("utf-8").replace("version: 1", "version: one")
    (tmp_path / "broken.yaml").write_text(broken, "utf-8")
    (tmp_path / "garbage.yaml").write_text("id: [unclosed", "utf-8")
    result = runner.invoke(args=["surveys", "check", "--dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "ok    ntm-commune v1" in result.output
    assert "broken.yaml: version: Not a valid integer." in result.output
    assert "garbage.yaml: (file):" in result.output
