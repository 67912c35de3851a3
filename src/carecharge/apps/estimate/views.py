"""The public estimate: where the care will be, the questions for that setting, the estimate.

No sign-in, and nothing is stored: no database writes, no session. Answers travel from page to
page in hidden fields of POST forms (never in a URL, which would reach server logs) and are
checked again on every page. Pages are never cached, since they show someone's finances.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from carecharge.apps.accounts.roles import public
from carecharge.core.assessment import AssessmentError, AssessmentInputError

from . import presenters, queries
from .forms import ANSWER_NAMES, SETTING_LABELS, QuestionsForm, SettingForm

# Longer than any answer a form accepts: anything longer is not carried from page to page.
MAX_CARRIED = 40


def carried(data: QueryDict) -> list[tuple[str, str]]:
    """The answers posted so far, as (name, value) pairs for hidden fields, in a fixed order."""
    found = []
    for name in sorted(ANSWER_NAMES):
        value = data.get(name)
        if isinstance(value, str) and len(value) <= MAX_CARRIED:
            found.append((name, value))
    return found


def _start_page(
    request: HttpRequest, form: SettingForm, answers: list[tuple[str, str]], status: int = 200
) -> HttpResponse:
    context = {
        "form": form,
        "hints": list(form.hints().items()),
        "carried": answers,
        "problems": problems(form),
    }
    return render(request, "estimate/start.html", context, status=status)


def _questions_page(request: HttpRequest, form: QuestionsForm, status: int = 200) -> HttpResponse:
    context = {
        "form": form,
        "setting": form.setting.value,
        "setting_label": SETTING_LABELS[form.setting.value],
        "problems": problems(form),
    }
    return render(request, "estimate/questions.html", context, status=status)


@public
@never_cache
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    """The start page and its first question. Reached by POST from "Change where the care will
    be", it keeps the other answers in hidden fields."""
    chosen = request.POST.get("setting") if request.method == "POST" else None
    return _start_page(request, SettingForm(initial={"setting": chosen}), carried(request.POST))


@public
@never_cache
@require_POST
def questions(request: HttpRequest) -> HttpResponse:
    """The questions for the chosen setting, filled in with any answers already given."""
    setting = SettingForm(request.POST)
    if not setting.is_valid():
        return _start_page(request, setting, carried(request.POST), status=400)
    today = timezone.localdate()
    chosen = setting.cleaned_data["setting"]
    rates = queries.figures(today).benefit_rates
    typed = QuestionsForm(request.POST, setting=chosen, today=today)
    initial = {
        name: typed[name].value()
        for name, field in typed.fields.items()
        if not field.widget.value_omitted_from_data(request.POST, {}, typed.add_prefix(name))
    }
    form = QuestionsForm(initial=initial, setting=chosen, today=today, rates=rates)
    return _questions_page(request, form)


@public
@never_cache
@require_POST
def result(request: HttpRequest) -> HttpResponse:
    """Check every answer again, run the engine as an assessment does, and show the estimate."""
    setting = SettingForm(request.POST)
    if not setting.is_valid():
        return _start_page(request, setting, carried(request.POST), status=400)
    today = timezone.localdate()
    rates = queries.figures(today).benefit_rates
    form = QuestionsForm(
        request.POST, setting=setting.cleaned_data["setting"], today=today, rates=rates
    )
    if not form.is_valid():
        return _questions_page(request, form, status=400)
    answers = form.answers()
    try:
        outcomes = queries.estimate(answers, today)
    except AssessmentInputError as error:
        _engine_problem(form, error)
        return _questions_page(request, form, status=400)
    except AssessmentError as error:
        form.add_error(None, f"We could not work out an estimate: {error}")
        return _questions_page(request, form, status=400)
    context = presenters.page(
        outcomes,
        answers=answers,
        today=today,
        upper_limit=queries.upper_capital_limit(today),
        contact=queries.council_contact(today),
    )
    context["carried"] = [("setting", answers.setting.value), *carried(request.POST)]
    return render(request, "estimate/result.html", context)


def _engine_problem(form: QuestionsForm, error: AssessmentInputError) -> None:
    """An engine refusal in the words of the question it is about."""
    if error.field == "person.age":
        form.add_error(
            "age",
            "At this age you may or may not have reached State Pension age: enter your date of "
            "birth instead",
        )
    elif error.field == "person.date_of_birth":
        form.add_error("date_of_birth", f"Check your date of birth: {error.message}")
    else:
        form.add_error(None, f"We could not work out an estimate from these answers: {error}")


def problems(form: Any) -> list[dict[str, str]]:
    """Every error for the error summary, in page order, each linking to its field."""
    found = [{"text": str(e), "href": "#main-content"} for e in form.non_field_errors()]
    for field in form:
        anchor = field.id_for_label or f"{field.auto_id}_0"
        found += [{"text": str(error), "href": f"#{anchor}"} for error in field.errors]
    return found
