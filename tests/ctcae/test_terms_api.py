"""GET /api/v1/ctcae/terms and `flask ctcae import`."""
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEntry, CtcaeTerm


def terms(api, query):
    response = api.get(f"/api/v1/ctcae/terms?{query}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def test_search_by_prefix_synonym_and_chinese(nurse):
    assert terms(nurse, "q=naus")[0]["term"] == "Nausea"
    assert terms(nurse, "q=恶心&lang=zh")[0]["term"] == "Nausea"
    first = terms(nurse, "q=fever")[0]
    assert (first["term"], first["meddra_code"], first["source"], first["grades"]) == (
        "Fever", "10016558", "curated", [1, 2, 3, 4, 5])


def test_import_makes_every_official_term_searchable(app, nurse, shared_file):
    runner = app.test_cli_runner()
    path = str(shared_file("ctcae_v5.csv"))
    result = runner.invoke(args=["ctcae", "import", path])
    assert result.exit_code == 0, result.output
    assert "imported 837 CTCAE terms (837 new, 0 updated)" in result.output
    assert runner.invoke(args=["ctcae", "import", path]).output.startswith("imported 837 CTCAE terms (0 new, 837")
    assert db.session.scalar(select(func.count()).select_from(CtcaeTerm)) == 837
    (hit,) = [t for t in terms(nurse, "q=eosinoph") if t["term"] == "Eosinophilia"]
    assert (hit["source"], hit["grades"], hit["soc"]) == ("official", [1, 3], "Blood and lymphatic system disorders")
    assert db.session.scalars(select(AuditEntry.action).filter_by(entity="ctcae_terms")).all() == [
        "ctcae_imported", "ctcae_imported"]


def test_import_refuses_a_file_that_is_not_the_table(app, tmp_path):
    bad = tmp_path / "notes.csv"
    bad.write_text("name,colour\nfoo,blue\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["ctcae", "import", str(bad)])
    assert result.exit_code != 0 and "not a CTCAE v5.0 table" in result.output
    assert db.session.scalar(select(func.count()).select_from(CtcaeTerm)) == 0


def test_search_needs_a_query_and_a_login(client, nurse):
    assert nurse.get("/api/v1/ctcae/terms").status_code == 422
    assert nurse.get("/api/v1/ctcae/terms?q=x&lang=fr").status_code == 422
    assert client.get("/api/v1/ctcae/terms?q=nausea").status_code == 401
    assert terms(nurse, "q=%25_") == []  # LIKE wildcards are text, not patterns
