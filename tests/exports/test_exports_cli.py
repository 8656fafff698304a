"""`flask export …`: the same exports from the shell, with progress lines, audited."""
import io
import json
import zipfile


def test_sdtm_export_writes_a_zip_and_prints_progress(app, trial, tmp_path):
    out = tmp_path / "sdtm.zip"
    result = app.test_cli_runner().invoke(args=["export", "sdtm", "--out", str(out), "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert "[1/11] DM: 5 rows" in result.output  # click's runner shows stderr in the output
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(out.read_bytes())).read("manifest.json"))
    assert manifest["datasets"]["AE"]["rows"] == 3


def test_adtte_csv_and_fhir_from_the_shell(app, trial, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["export", "adtte", "--out", str(tmp_path / "adtte.csv")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "adtte.csv").read_bytes().startswith("\ufeff".encode())
    result = runner.invoke(args=["export", "fhir", "--out", str(tmp_path / "b.json"), "--cutoff", "2026-03-02"])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "b.json").read_text())["resourceType"] == "Bundle"


def test_a_future_cutoff_is_a_clear_error(app, trial, tmp_path):
    result = app.test_cli_runner().invoke(args=["export", "adsl", "--out", str(tmp_path / "x.csv"),
                                                "--cutoff", "2031-01-01"])
    assert result.exit_code != 0 and "future" in result.output
