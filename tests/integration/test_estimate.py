"""The public estimate: complete estimates worked out by hand, every kind of bad answer, and proof
that it needs no sign-in and stores nothing.

The date is pinned to 1 June 2026, so the figures are the 2026/27 rules and the demo council's
policy (night-care element disregarded, DRE the greater of the items and a flat £10.00, minimum
charge £2.00, 100% taper):

    State Pension (basic full) 184.90; Attendance Allowance higher 114.60, lower 76.70;
    PIP daily living enhanced 114.60
    MIG: single at pension credit age 241.45; single 25 to pension credit age 120.40;
         disability premium (single) 53.15; enhanced disability premium (single) 25.95
    PEA 31.80   savings credit disregard (single) 7.30   capital limits 14,250 and 23,250;
    tariff income £1 a week for every £250 or part above the lower limit
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from carecharge.apps.accounts.roles import Role

pytestmark = pytest.mark.django_db
DAY = date(2026, 6, 1)
FREQUENCIES = [
    "state_pension",
    "pension_credit_guarantee",
    "pension_credit_savings",
    "universal_credit",
    "esa",
    "carers_allowance",
    "other_benefits",
    "pensions",
    "other_income",
    "rent",
    "mortgage",
    "council_tax",
]


@pytest.fixture(autouse=True)
def pinned_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: DAY)


def answers(
    setting: str, born: tuple[int, int, int] | None = (1, 3, 1950), **given: Any
) -> dict[str, Any]:
    """A complete set of answers for ``setting``: nothing received, unless ``given``."""
    data: dict[str, Any] = {"setting": setting, "has_partner": "no"}
    if born is not None:
        day, month, year = born
        data |= {"date_of_birth_day": day, "date_of_birth_month": month, "date_of_birth_year": year}
    data |= {"disability_benefit": "none", "mobility_component": "no"}
    data |= {f"{name}_per": "week" for name in FREQUENCIES}
    if setting == "non_residential":
        data |= {"children": "0", "sight_impaired": "no", "night_care": "no"}
    if setting == "residential_permanent":
        data |= {"owns_home": "no"}
    data |= given
    return {key: str(value) for key, value in data.items()}


def estimate(client: Client, data: dict[str, Any], status: int = 200) -> str:
    response = client.post("/estimate/result/", data)
    body = response.content.decode()
    assert response.status_code == status, body[:4000]
    return body


def text(html: str) -> str:
    """The page's words, with tags and runs of white space removed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&#x27;", "'").split())


def figure(html: str, key: str = "estimate") -> str:
    found = re.search(rf'data-figure="charge-{key}">(.*?)</p>', html, re.S)
    assert found is not None, f"no figure for {key}"
    return text(found.group(1))


# --- Complete estimates, worked out by hand ----------------------------------------------------


def test_at_home_a_pensioner_with_savings_housing_costs_and_extra_costs(client: Client) -> None:
    page = estimate(
        client,
        answers(
            "non_residential",
            state_pension="230.25",
            pensions="433.33",
            pensions_per="month",
            disability_benefit="attendance_allowance_higher",
            savings="£20,000",
            savings_joint="3000",
            council_tax="1,560",
            council_tax_per="year",
            extra_costs="15.00",
            care_cost="250.00",
        ),
    )
    # Income: 230.25 + 100.00 (433.33 × 12 ÷ 52 = 99.9992, to the penny) + 114.60 = 444.85.
    # Night-care element disregarded (no care at night): 114.60 − 76.70 = 37.90.
    # Capital: 20,000 + half of 3,000 = 21,500; 7,250 above 14,250 = 29 steps: tariff 29.00.
    # Allowances: MIG 241.45 (age 76, no premiums at pension age), Council Tax 1,560 ÷ 52 =
    # 30.00, DRE 15.00 (more than the flat 10.00).
    # 444.85 − 37.90 + 29.00 − 241.45 − 30.00 − 15.00 = 149.50, under the cost of 250.00.
    assert figure(page) == "£149.50 a week"
    words = text(page)
    assert "Occupational pension, work and private pensions counted in full £100.00" in words
    assert "Housing cost: council tax £30.00" in words
    assert "Savings: half of the joint £3,000.00 counted £1,500.00" in words
    assert "Age 76 on 1 June 2026: at pension credit age (reached on 1 March 2010)" in words
    assert "Disposable income: income counted plus tariff income, less allowances" in words
    assert "What you can afford to pay (disposable income) £149.50" in words
    assert "up to" not in figure(page)
    assert "(figure not yet verified)" not in words
    assert "This is an estimate, not a decision." in words


def test_at_home_under_pension_age_premiums_follow_from_the_answers_and_the_cost_is_unknown(
    client: Client,
) -> None:
    page = estimate(
        client,
        answers(
            "non_residential",
            born=(15, 5, 1990),
            disability_benefit="pip_daily_living_enhanced",
            mobility_component="yes",
            night_care="yes",
            esa="200.00",
            esa_per="2_weeks",
        ),
    )
    # Age 36. Income: ESA 200.00 ÷ 2 = 100.00 + PIP daily living enhanced 114.60 = 214.60; no
    # night-care disregard (care is given at night).
    # MIG: 120.40 + disability premium 53.15 + enhanced disability premium 25.95 = 199.50.
    # DRE: the flat 10.00 (nothing itemised). 214.60 − 199.50 − 10.00 = 5.10, above the
    # council's £2.00 minimum. The cost of care is not known, so this is the most she would pay.
    assert figure(page) == "up to £5.10 a week"
    words = text(page)
    assert "Disability premium £53.15" in words
    assert "Enhanced disability premium £25.95" in words
    assert "You never pay more than your care costs" in words
    assert "10,000,000" not in words


def test_a_permanent_care_home_home_ignored_for_12_weeks_then_the_full_cost(
    client: Client,
) -> None:
    page = estimate(
        client,
        answers(
            "residential_permanent",
            born=(10, 1, 1940),
            state_pension="184.90",
            pensions="200",
            pensions_per="month",
            savings="10000",
            owns_home="yes",
            home_value="180000",
            home_joint="no",
            relative_at_home="no",
            care_cost="900",
        ),
    )
    # Income: 184.90 + 46.15 (200 × 12 ÷ 52 = 46.1538) = 231.05; PEA 31.80.
    # First 12 weeks: the home is ignored; 10,000 is below the lower limit: 231.05 − 31.80 =
    # 199.25. After them the home counts at 180,000 less 10% for the costs of selling it =
    # 162,000; with the savings 172,000 is over 23,250, so the full fee of 900.00.
    assert figure(page, "first_12_weeks") == "For the first 12 weeks: £199.25 a week"
    assert figure(page, "after_12_weeks") == (
        "After the first 12 weeks: the full cost of your care (£900.00 a week)"
    )
    words = text(page)
    assert "deferred payment agreement" in words
    assert "within the 12 weeks from 1 June 2026 (to 23 August 2026)" in words
    assert "Capital of £172,000.00 is over the upper limit of £23,250.00" in words
    assert "Main home counted: after the first 12 weeks £180,000.00" in words
    assert "When they fall to" not in words  # the home, not savings, brings the full cost


def test_a_permanent_care_home_with_a_partner_at_home(client: Client) -> None:
    page = estimate(
        client,
        answers(
            "residential_permanent",
            born=(20, 7, 1945),
            has_partner="yes",
            partner_at_home="yes",
            state_pension="230.25",
            pensions="100",
            savings_joint="30000",
            owns_home="yes",
            home_value="250000",
            home_joint="yes",
            relative_at_home="no",
            care_cost="1000",
        ),
    )
    # The home is ignored (the partner lives there), so there is one figure.
    # Capital: half of the joint 30,000 = 15,000; 750 above 14,250 = 3 steps: tariff 3.00.
    # Income 230.25 + 100.00 = 330.25; PEA 31.80; half the pension for the partner 50.00.
    # 330.25 + 3.00 − 31.80 − 50.00 = 251.45.
    assert figure(page) == "£251.45 a week"
    words = text(page)
    assert (
        "Main home: half of the joint £250,000.00 disregarded: the partner still lives there"
        in words
    )
    assert "Half of your pensions, left for your partner £50.00" in words
    assert "deferred payment agreement" not in words
    assert "your partner's own income and savings" in words


def test_a_short_stay_keeps_housing_costs_and_the_savings_credit_disregard(
    client: Client,
) -> None:
    page = estimate(
        client,
        answers(
            "residential_temporary",
            born=(2, 2, 1948),
            state_pension="230.25",
            pension_credit_savings="10.00",
            rent="80",
            savings="5000",
            care_cost="700",
        ),
    )
    # Income 230.25 + 10.00 = 240.25; PEA 31.80; rent 80.00; savings credit disregarded up to
    # 7.30. 240.25 − 31.80 − 80.00 − 7.30 = 121.15.
    assert figure(page) == "£121.15 a week"
    words = text(page)
    assert "Housing cost: rent £80.00" in words
    assert "charge a short stay as if you were still at home" in words


def test_capital_over_the_upper_limit_with_the_cost_unknown_is_the_full_cost(
    client: Client,
) -> None:
    page = estimate(client, answers("non_residential", state_pension="230.25", savings="50000"))
    assert figure(page) == "the full cost of your care"
    words = text(page)
    assert "Full weekly cost of care the full cost of your care" in words
    assert "Weekly charge: the full cost of your care" in words
    assert "10,000,000" not in words and "10000000" not in words
    assert "When they fall to £23,250.00 or less, ask the council" in words


def test_a_charge_below_the_council_minimum_is_nothing(client: Client) -> None:
    page = estimate(client, answers("non_residential", state_pension="252.50", care_cost="100"))
    # 252.50 − MIG 241.45 − DRE 10.00 = 1.05, below the demo council's £2.00 minimum.
    assert figure(page) == "£0.00 a week you would not pay towards your care"
    assert "Below the council's minimum charge of £2.00: no charge £0.00" in text(page)


def test_an_age_instead_of_a_date_of_birth(client: Client) -> None:
    page = estimate(client, answers("non_residential", born=None, age="80", state_pension="300"))
    # At 80, pension credit age is certain: 300.00 − 241.45 − DRE 10.00 = 48.55 (cost unknown).
    assert figure(page) == "up to £48.55 a week"
    assert "settled by the age alone" in text(page)


def test_an_age_that_cannot_settle_pension_age_asks_for_the_date_of_birth(client: Client) -> None:
    page = estimate(client, answers("non_residential", born=None, age="66"), status=400)
    assert "you may or may not have reached State Pension age: enter your date of birth" in text(
        page
    )
    assert 'href="#id_age"' in page


def test_the_council_contact_details_come_from_its_rules(client: Client) -> None:
    from carecharge.apps.web.council import rulebook

    rules = rulebook().as_at(DAY)
    words = text(estimate(client, answers("non_residential", state_pension="100")))
    assert "ask Northfield Borough Council for a financial assessment" in words
    if "local.demo.council.phone" in rules:
        assert f"Telephone: {rules.text('local.demo.council.phone')}" in words
    else:
        assert "Contact the council's adult social care team" in words


# --- Going back and changing answers -----------------------------------------------------------


def test_change_your_answers_posts_every_answer_back_to_the_questions(client: Client) -> None:
    page = estimate(
        client,
        answers("non_residential", state_pension="230.25", pensions="433.33", pensions_per="month"),
    )
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))
    hidden.pop("csrfmiddlewaretoken")
    assert hidden["setting"] == "non_residential"
    assert hidden["pensions"] == "433.33" and hidden["pensions_per"] == "month"
    questions = client.post("/estimate/questions/", hidden).content.decode()
    assert re.search(r'name="pensions" value="433.33"', questions)
    assert re.search(r'<option value="month" selected>a month</option>', questions)
    assert re.search(r'name="date_of_birth_year" value="1950"', questions)
    assert re.search(r'value="no" checked', questions)
    assert "There is a problem" not in questions


def test_changing_the_setting_keeps_the_other_answers(client: Client) -> None:
    data = answers("non_residential", state_pension="230.25")
    start = client.post("/estimate/", data).content.decode()
    assert 'value="non_residential" checked' in start
    assert '<input type="hidden" name="state_pension" value="230.25">' in start
    data["setting"] = "residential_permanent"
    questions = client.post("/estimate/questions/", data).content.decode()
    assert 'name="state_pension" value="230.25"' in questions
    assert "What is the care home&#x27;s weekly fee?" in questions
    assert 'name="extra_costs"' not in questions  # asked only for care at home


# --- Bad answers: named, linked, and nothing crashes --------------------------------------------


@pytest.mark.parametrize(
    ("given", "message", "anchor"),
    [
        (
            {"state_pension": "abc"},
            "Enter State Pension as an amount of money, like 125.50",
            "id_state_pension",
        ),
        ({"savings": "-5"}, "Your savings must be £0 or more", "id_savings"),
        ({"savings": "£-5"}, "Your savings must be £0 or more", "id_savings"),
        (
            {"pensions": "12.345"},
            "Work and private pensions must have no more than 2 digits after the decimal point",
            "id_pensions",
        ),
        (
            {"state_pension": "100000.01"},
            "State Pension must be £100,000.00 or less",
            "id_state_pension",
        ),
        ({"savings": "9" * 30}, "Your savings must be £100,000,000.00 or less", "id_savings"),
        ({"savings": "100,000,000.01"}, "Your savings must be £100,000,000.00", "id_savings"),
        ({"savings": "1e6"}, "Enter your savings as an amount of money", "id_savings"),
        (
            {"date_of_birth_day": "31", "date_of_birth_month": "2"},
            "Date of birth must be a real date",
            "id_date_of_birth_0",
        ),
        ({"date_of_birth_year": "2030"}, "Date of birth must be in the past", "id_date_of_birth_0"),
        (
            {"date_of_birth_year": "2015"},
            "This estimate is for adults aged 18 or over",
            "id_date_of_birth_0",
        ),
        (
            {"date_of_birth_year": "1850"},
            "Check the year of your date of birth",
            "id_date_of_birth_0",
        ),
        ({"date_of_birth_year": "50"}, "Date of birth must be a real date", "id_date_of_birth_0"),
        ({"date_of_birth_month": ""}, "Date of birth must include a month", "id_date_of_birth_0"),
        ({"has_partner": ""}, "Select yes if you have a partner", "id_has_partner_0"),
        ({"has_partner": "maybe"}, "Select yes if you have a partner", "id_has_partner_0"),
        (
            {"disability_benefit": "lots"},
            "Select whether you get Attendance Allowance",
            "id_disability_benefit_0",
        ),
        ({"rent_per": "fortnightly"}, "Select how often it is paid", "id_rent_per"),
        ({"children": "two"}, "Enter the number of children as a whole number", "id_children"),
        ({"children": "21"}, "The number of children must be 20 or fewer", "id_children"),
        (
            {"care_cost": "£1,0000"},
            "Enter the weekly cost of your care as an amount of money",
            "id_care_cost",
        ),
        ({"extra_costs": "12."}, "Enter extra costs as an amount of money", "id_extra_costs"),
    ],
)
def test_a_bad_answer_is_named_and_linked(
    client: Client, given: dict[str, str], message: str, anchor: str
) -> None:
    page = estimate(client, answers("non_residential", **given), status=400)
    summary = page.split('class="govuk-error-summary"')[1].split("</div>")[0]
    assert message in text(summary).replace("&#x27;", "'")
    assert f'href="#{anchor}"' in summary
    assert f'id="{anchor}"' in page


def test_no_date_of_birth_and_no_age(client: Client) -> None:
    page = estimate(client, answers("non_residential", born=None), status=400)
    assert "Enter your date of birth, or your age" in text(page)


def test_conditional_answers_are_required_only_when_they_apply(client: Client) -> None:
    page = estimate(
        client,
        answers("residential_permanent", has_partner="yes", owns_home="yes"),
        status=400,
    )
    words = text(page)
    assert "Select yes if your partner will still live in your home" in words
    assert "Enter the value of your home" in words
    assert "Select yes if you own your home with someone else" in words
    # Without a partner or a home, the follow-up questions are not needed.
    estimate(client, answers("residential_permanent"))


def test_every_field_filled_with_rubbish_is_refused_without_crashing(client: Client) -> None:
    rubbish_list = ["", " ", "-", "£", "0x10", "NaN", "inf", "١٢", "<script>", "'; drop"]
    for rubbish in [*rubbish_list, "9" * 500]:
        data = {key: rubbish for key in answers("residential_permanent", owns_home="yes")}
        data["setting"] = "residential_permanent"
        response = client.post("/estimate/result/", data)
        assert response.status_code == 400
        assert "There is a problem" in response.content.decode()
        assert "<script>" not in response.content.decode()


@pytest.mark.parametrize("setting", ["", "moon", "residential"])
def test_a_missing_or_made_up_setting_goes_back_to_the_first_question(
    client: Client, setting: str
) -> None:
    for url in ("/estimate/questions/", "/estimate/result/"):
        response = client.post(url, {"setting": setting})
        assert response.status_code == 400
        page = response.content.decode()
        assert "Select where the care will be" in page
        assert 'href="#id_setting_0"' in page


# --- No sign-in, nothing stored ------------------------------------------------------------------


def _row_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for model in apps.get_models():
            table = model._meta.db_table
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - names from models
            counts[table] = cursor.fetchone()[0]
    return counts


def test_an_estimate_stores_nothing(client: Client) -> None:
    before = _row_counts()
    with CaptureQueriesContext(connection) as queries:
        responses = [
            client.get("/estimate/"),
            client.post("/estimate/questions/", {"setting": "residential_permanent"}),
            client.post(
                "/estimate/result/",
                answers("residential_permanent", state_pension="230.25", savings="40000"),
            ),
            client.post("/estimate/result/", answers("non_residential", savings="-1")),
        ]
    assert [r.status_code for r in responses] == [200, 200, 200, 400]
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if re.match(r"\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER)", q["sql"], re.I)
    ]
    assert writes == []
    assert _row_counts() == before
    for response in responses:
        assert "sessionid" not in response.cookies
        assert "no-store" in response["Cache-Control"]
    assert "sessionid" not in client.cookies


def test_answers_never_travel_in_the_address(client: Client) -> None:
    assert client.get("/estimate/questions/", {"setting": "non_residential"}).status_code == 405
    assert client.get("/estimate/result/", answers("non_residential")).status_code == 405
    start = client.get("/estimate/").content.decode()
    assert re.search(r'<form method="post" action="/estimate/questions/"', start)


def test_no_sign_in_is_needed_and_csrf_still_applies() -> None:
    client = Client(enforce_csrf_checks=True)
    start = client.get("/estimate/")
    assert start.status_code == 200
    token = start.cookies["csrftoken"].value
    assert client.post("/estimate/questions/", {"setting": "non_residential"}).status_code == 403
    response = client.post(
        "/estimate/result/",
        {**answers("non_residential", state_pension="100"), "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 200
    assert "sessionid" not in response.cookies


def test_staff_who_are_signed_in_can_use_it_too(client_for: Any) -> None:
    client = client_for(Role.CHARGING_OFFICER)
    assert client.get("/estimate/").status_code == 200
    estimate(client, answers("non_residential", state_pension="100"))


def test_the_sign_in_page_links_to_the_estimate(client: Client) -> None:
    page = client.get("/accounts/sign-in/").content.decode()
    link = '<a class="govuk-link" href="/estimate/">Estimate what you might pay for care</a>'
    assert link in page
