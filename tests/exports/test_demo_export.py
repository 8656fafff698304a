"""The demo cohort exports whole: 25 patients, CSV with a BOM so Excel keeps Chinese text."""
import csv
import io
import zipfile


def test_the_25_patient_demo_exports_with_chinese_text_intact(app, tmp_path):
    from app.extensions import db
    from app.models import AdverseEvent

    assert app.test_cli_runner().invoke(args=["demo", "seed"]).exit_code == 0
    event = db.session.query(AdverseEvent).order_by(AdverseEvent.id).first()
    event.description = "恶心，吃不下饭（家属代述）"  # a verbatim term as a relative texted it
    db.session.commit()
    out = tmp_path / "sdtm.zip"
    result = app.test_cli_runner().invoke(args=["export", "sdtm", "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    archive = zipfile.ZipFile(out)
    dm, ae = archive.read("dm.csv"), archive.read("ae.csv")
    assert dm.startswith(b"\xef\xbb\xbf") and ae.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with it
    assert len(list(csv.DictReader(io.StringIO(dm.decode("utf-8-sig"))))) == 25
    terms = [row["AETERM"] for row in csv.DictReader(io.StringIO(ae.decode("utf-8-sig")))]
    assert "恶心，吃不下饭（家属代述）" in terms
