"""`boardkeeper escalations|inspections|recommendations|funding --partnership NAME --json`, read after
`boardkeeper demo` has made one of each (issue 14, parts 5 and 6)."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from boardkeeper import cli
from boardkeeper.actions.models import Action, ActionUpdate
from boardkeeper.audit.models import AuditEvent
from boardkeeper.directory.models import Partnership
from boardkeeper.escalations.models import Escalation, EscalationAction, EscalationItem, EscalationStage
from boardkeeper.funding.models import BudgetLine, Contribution, FinancialYear
from boardkeeper.inspections.models import Inspection
from boardkeeper.recommendations.models import Evidence, Recommendation, RecommendationAction

DEMO = "warwickshire-demo"
COMMANDS = ("escalations", "inspections", "recommendations", "funding")

Capsys = pytest.CaptureFixture[str]


def demo() -> str:
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def run(capsys: Capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def read(capsys: Capsys, *args: str) -> Any:
    code, out, err = run(capsys, *args, "--json")
    assert (code, err) == (0, "")
    return json.loads(out)


@pytest.fixture
def demoed(transactional_db: None, capsys: Capsys) -> None:
    demo()
    capsys.readouterr()


def test_escalations_the_stage_2_escalation_with_its_history(demoed: None, capsys: Capsys) -> None:
    out = read(capsys, "escalations", "--partnership", DEMO)
    assert out["partnership"] == "Warwickshire Safeguarding (demo)"
    assert [s["name"] for s in out["stages"]][:2] == ["Practitioner", "Manager"]
    [e] = out["escalations"]
    assert (e["pseudonym"], e["stage"], e["stage_name"], e["status"]) == ("Child R", 2, "Manager", "open")
    assert e["reference"].startswith(f"ESC-{dt.date.fromisoformat(e['opened_on']).year}-")
    assert e["raised_by_org"] == "Warwickshire Police" and "mental health" in e["about_agency"]
    assert e["raised_by"] == "Pete Hill"
    first, second = e["stages"]
    assert (first["stage"], second["stage"]) == (1, 2)
    assert first["ended_on"] == second["started_on"] and second["ended_on"] is None
    assert first["past_target"] is True  # stage 1 ran a working day past its five
    assert e["overdue"] is False and e["target_on"] == second["target_on"]
    assert dt.date.fromisoformat(e["target_on"]) >= timezone.localdate()
    assert [a["text"] for a in e["actions"]] == ["PH to share examples of incidents"]
    assert e["actions"][0]["owners"] == ["Pete Hill"]


def test_inspections_the_hmicfrs_inspection_with_four_recommendations_and_their_plan(
    demoed: None, capsys: Capsys
) -> None:
    [i] = read(capsys, "inspections", "--partnership", DEMO)["inspections"]
    assert i["title"] == "HMICFRS child protection inspection, Warwickshire Police"
    assert (i["body"], i["inspected_on"], i["published_on"]) == ("hmicfrs", "2021-11-08", "2022-01-20")
    assert i["mentioned_as"] == ["HMIC", "HMICFRS"]
    assert i["board"] == "Executive Board"
    recs = i["recommendations"]
    assert [r["number"] for r in recs] == ["1", "2", "3", "4"]
    assert [r["status"] for r in recs] == ["implemented", "in_progress", "open", "in_progress"]
    assert {r["source"]["kind"] for r in recs} == {"inspection"}
    assert [len(r["actions"]) for r in recs] == [2, 2, 1, 1]
    voice = recs[0]
    assert [a["status"] for a in voice["actions"]] == ["done", "done"]
    assert voice["actions"][0]["owners"] == ["Police Public Protection Unit"]
    assert voice["actions"][0]["flag"] == {"colour": "green", "reason": "Done"}
    assert voice["impact"]["result"] == "changed" and voice["impact"]["checked_on"] == "2023-03-15"
    assert "20 domestic abuse notifications" in voice["impact"]["method"]
    [evidence] = voice["evidence"]
    assert evidence["note"].startswith("Training records") and evidence["file_name"] is None
    assert evidence["action_id"] == voice["actions"][0]["id"]
    # the monthly report of section 136 waits was due 20 days ago and is still open: red
    late = recs[1]["actions"][1]
    assert late["status"] == "open" and late["flag"] == {"colour": "red", "reason": "Overdue"}
    assert late["owners"] == ["Jo Galloway"]
    assert recs[3]["actions"][0]["flag"]["colour"] == "amber"  # due in ten days
    assert recs[1]["agencies"] == ["Coventry and Warwickshire Partnership NHS Trust", "Warwickshire Police"]


def test_recommendations_every_source_status_reason_and_repeat(demoed: None, capsys: Capsys) -> None:
    recs = read(capsys, "recommendations", "--partnership", DEMO)["recommendations"]
    assert len(recs) == 9  # the inspection's four and the reviews' five
    by_source = {(r["source"]["title"], r["number"]): r for r in recs}
    assert {r["source"]["kind"] for r in recs} == {"review", "inspection"}
    assert {r["status"] for r in recs} == {"open", "in_progress", "implemented", "not_implemented"}

    not_done = by_source[("Family M", "3")]
    assert not_done["status"] == "not_implemented" and not_done["status_label"] == "Not implemented"
    assert not_done["not_implemented_reason"].startswith("Not within the partnership's powers or budget")
    assert not_done["source"]["type"].startswith("Local child safeguarding practice review")

    again = by_source[("Mr F", "1")]
    earlier = by_source[("Family M", "2")]
    assert again["repeats"] == {
        "id": earlier["id"],
        "number": "2",
        "source": earlier["source"],
        "checked": False,
    }
    assert again["themes"] == ["Domestic abuse", "Information sharing"]
    assert again["agencies"] == ["Warwickshire County Council", "Warwickshire Police"]
    assert by_source[("Family M", "1")]["actions"][0]["owners"] == ["Jo Galloway"]
    assert all(r["not_implemented_reason"] is None for r in recs if r["status"] != "not_implemented")

    only = read(capsys, "recommendations", "--partnership", DEMO, "--status", "not_implemented")
    assert [r["id"] for r in only["recommendations"]] == [not_done["id"]]


def test_funding_2022_23_shortfall_and_the_year_before(demoed: None, capsys: Capsys) -> None:
    out = read(capsys, "funding", "--partnership", DEMO, "--year", "2022/23")
    assert (out["year"], out["starts"], out["label"]) == ("2022/23", 2022, "April 2022 to March 2023")
    assert [line["amount"] for line in out["lines"]] == [
        "412000.00",
        "48000.00",
        "65000.00",
        "38000.00",
        "12500.00",
    ]
    police = next(c for c in out["contributions"] if c["partner"] == "Warwickshire Police")
    assert police == {
        "id": police["id"],
        "partner": "Warwickshire Police",
        "agreed": "86325.00",
        "invoiced_on": "2022-04-11",
        "paid_on": None,
        "status": "Invoiced, not paid",
        "note": "",
    }
    assert out["totals"] == {
        "year": "2022/23",
        "budget": "575500.00",
        "agreed": "517950.00",
        "paid": "431625.00",
        "invoiced_not_paid": "86325.00",
        "not_invoiced": "0.00",
        "balance": "-57550.00",
        "outcome": "Shortfall",
        "shortfall": "57550.00",
        "surplus": "0.00",
    }
    before = out["previous_year"]
    assert (before["year"], before["budget"], before["outcome"]) == ("2021/22", "548000.00", "Balanced")
    # the year is written as people write it; without one, the latest recorded (2026/27 is not)
    assert read(capsys, "funding", "--partnership", DEMO, "--year", "2022-2023")["year"] == "2022/23"
    assert read(capsys, "funding", "--partnership", DEMO)["year"] == "2022/23"
    assert read(capsys, "funding", "--partnership", DEMO, "--year", "2021/22")["previous_year"] is None


def test_the_tables_for_people_at_a_terminal(demoed: None, capsys: Capsys) -> None:
    code, out, _ = run(capsys, "funding", "--partnership", DEMO, "--year", "2022/23")
    assert code == 0 and "Shortfall: 57550.00." in out and "2021/22: budget 548000.00" in out
    code, out, _ = run(capsys, "escalations", "--partnership", DEMO)
    assert code == 0 and "2: Manager" in out and "(Child R)" in out and "1 escalations." in out
    code, out, _ = run(capsys, "inspections", "--partnership", DEMO)
    assert code == 0 and "HMICFRS child protection inspection" in out and "Overdue" not in out
    assert "red" in out and "Police Public Protection Unit" in out
    code, out, _ = run(capsys, "recommendations", "--partnership", DEMO)
    assert code == 0 and "9 recommendations." in out and "not implemented: Not within" in out


@pytest.mark.parametrize("command", COMMANDS)
def test_an_unknown_partnership_is_refused_with_exit_code_2(db: None, capsys: Capsys, command: str) -> None:
    code, out, err = run(capsys, command, "--partnership", "Nowhere", "--json")
    assert (code, out) == (2, "")
    assert err.strip() == f"boardkeeper {command}: no partnership called 'Nowhere'"


def test_an_unknown_or_unreadable_year_is_refused_with_exit_code_2(demoed: None, capsys: Capsys) -> None:
    code, out, err = run(capsys, "funding", "--partnership", DEMO, "--year", "2019/20", "--json")
    assert (code, out) == (2, "")
    assert "no funding recorded for 2019/20 (recorded: 2021/22, 2022/23)" in err
    code, out, err = run(capsys, "funding", "--partnership", DEMO, "--year", "2022/24")
    assert (code, out) == (2, "") and "write it as 2022/23" in err
    code, out, err = run(capsys, "funding", "--partnership", DEMO, "--year", "last year")
    assert (code, out) == (2, "") and "write it as 2022/23" in err


def test_a_partnership_with_nothing_recorded(db: None, capsys: Capsys) -> None:
    Partnership.objects.create(name="Elsewhere Safeguarding", slug="elsewhere")
    assert read(capsys, "escalations", "--partnership", "Elsewhere Safeguarding")["escalations"] == []
    assert read(capsys, "inspections", "--partnership", "elsewhere")["inspections"] == []
    assert read(capsys, "recommendations", "--partnership", "elsewhere")["recommendations"] == []
    code, out, err = run(capsys, "funding", "--partnership", "elsewhere", "--json")
    assert (code, out) == (2, "") and "Elsewhere Safeguarding has no funding recorded" in err
    code, out, _ = run(capsys, "inspections", "--partnership", "elsewhere")
    assert (code, out.strip()) == (0, "No inspections.")


def test_only_the_named_partnerships_records(demoed: None, capsys: Capsys) -> None:
    Partnership.objects.create(name="Elsewhere Safeguarding", slug="elsewhere")
    assert read(capsys, "recommendations", "--partnership", "elsewhere")["recommendations"] == []
    assert read(capsys, "escalations", "--partnership", "elsewhere")["escalations"] == []


def counts() -> dict[str, int]:
    models: list[Any] = [
        Escalation,
        EscalationStage,
        EscalationAction,
        EscalationItem,
        Inspection,
        Recommendation,
        RecommendationAction,
        Evidence,
        FinancialYear,
        BudgetLine,
        Contribution,
        Action,
        ActionUpdate,
    ]
    return {m.__name__: m.objects.count() for m in models}


def test_the_demo_run_twice_makes_each_register_row_once(demoed: None) -> None:
    before = counts()
    assert before == {
        "Escalation": 1,
        "EscalationStage": 2,
        "EscalationAction": 1,
        "EscalationItem": 1,
        "Inspection": 1,
        "Recommendation": 9,
        "RecommendationAction": 8,
        "Evidence": 1,
        "FinancialYear": 2,
        "BudgetLine": 10,
        "Contribution": 8,
        "Action": before["Action"],
        "ActionUpdate": before["ActionUpdate"],
    }
    out = demo()
    assert counts() == before
    assert "Inspections:" not in out and "Funding:" not in out  # said once, when made


def test_the_demos_registers_are_audited_in_the_managers_name(demoed: None) -> None:
    manager = User.objects.get(username="manager")
    for model in ("escalations.escalation", "inspections.inspection", "recommendations.recommendation"):
        events = AuditEvent.objects.filter(model=model, action=AuditEvent.Action.CREATE)
        assert events.exists(), model
        assert set(events.values_list("user_id", flat=True)) == {manager.pk}, model
    assert (
        AuditEvent.objects.filter(
            model="funding.contribution", action=AuditEvent.Action.CREATE, user=manager
        ).count()
        == 8
    )


def test_the_partnership_page_links_to_every_register(demoed: None) -> None:
    client = Client()
    client.force_login(User.objects.get(username="member"))
    page = client.get(reverse("partnership", args=[DEMO]))
    assert page.status_code == 200
    html = page.content.decode()
    for name in ("escalations", "funding_years", "inspections", "recommendations"):
        assert f'href="{reverse(name, args=[DEMO])}"' in html, name
