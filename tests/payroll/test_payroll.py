"""The payroll engine: hand-computed pay slips for the tricky cases, and properties over
random employees, rules and a year of pay dates."""

import datetime as dt
import textwrap
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

import textledger
from textledger.core.printer import format_entry
from textledger.core.records import Bracket
from textledger.payroll.reports import reconcile, year_to_date
from textledger.payroll.slips import (
    PayrollError,
    PayrollRules,
    RecordedRun,
    bracket_tax,
    compute_slip,
    parse_hours,
    pay_dates,
    period_containing,
    recorded_runs,
    slip_transaction,
)

D = dt.date
HEAD = """\
commodity $1,000.00

"""


def rules_of(text: str) -> PayrollRules:
    return PayrollRules.from_journal(textledger.loads(HEAD + textwrap.dedent(text)))


def year_of_slips(rules: PayrollRules, ident: str, begin: dt.date, end: dt.date, hours=None):
    """Every slip of `ident` from `begin` to `end`, each with the ones before as history."""
    person = rules.employee(ident, begin)
    slips, history = [], []
    for day in pay_dates(person, begin, end):
        slip = compute_slip(rules, ident, day, hours, history)
        slips.append(slip)
        history.append(RecordedRun.from_slip(slip))
    return slips


def line(slip, name):
    return next(item for item in slip.deductions if item.name == name)


def employee_block(ident="pat", pay="salary $360,000.00 per year", schedule="monthly", deductions="", extra=""):
    return f"""
employee {ident} "Pat Example"
    {pay}
    schedule {schedule}
    deductions {deductions}
    expense Expenses:Wages
    pay-from Assets:Bank
{extra}"""


SOCIAL_SECURITY = """
deduction social-security
    rate 6.2%
    employer-rate 6.2%
    wage-base $176,100.00 per year
    liability Liabilities:Social Security
    expense Expenses:Employer Taxes
"""


# ---------------------------------------------------------------- hand-computed cases


def test_wage_base_crossed_mid_year_taxes_part_of_the_crossing_period():
    """$30,000 a month: five months use $150,000 of the $176,100 base, so June is taxed on
    the $26,100 left (6.2% = $1,618.20) and July onwards on nothing."""
    rules = rules_of(SOCIAL_SECURITY + employee_block(deductions="social-security"))
    slips = year_of_slips(rules, "pat", D(2026, 1, 1), D(2026, 12, 31))
    shares = [line(slip, "social-security").employee for slip in slips]
    assert shares[:5] == [Decimal("1860.00")] * 5
    assert shares[5] == Decimal("1618.20") and line(slips[5], "social-security").base == Decimal("26100.00")
    assert shares[6:] == [Decimal("0.00")] * 6
    assert sum(shares) == Decimal("10918.20") == sum(line(slip, "social-security").employer for slip in slips)
    assert all(slip.gross == Decimal("30000.00") for slip in slips)


def test_wage_base_total_never_passes_the_rate_on_the_base_despite_rounding():
    """$400,000 a year monthly: each month's $2,066.67 was rounded up, so the crossing month
    gets what is left of $10,918.20 ($584.85), not 6.2% of the base left ($584.87)."""
    rules = rules_of(SOCIAL_SECURITY + employee_block(pay="salary $400,000.00 per year",
                                                      deductions="social-security"))
    slips = year_of_slips(rules, "pat", D(2026, 1, 1), D(2026, 12, 31))
    shares = [line(slip, "social-security").employee for slip in slips]
    assert shares[:5] == [Decimal("2066.67")] * 5
    assert shares[5] == Decimal("584.85")
    assert sum(shares) == Decimal("10918.20")


def test_retirement_stops_at_its_annual_limit_and_so_does_the_match():
    rules = rules_of("""
deduction retirement
    pretax
    annual-limit $23,500.00
    employer-match 50% up to 6%
    liability Liabilities:Retirement
    expense Expenses:Benefits

deduction income-tax
    brackets 0 10%
    base gross - pretax
    liability Liabilities:Income Tax
""" + employee_block(pay="salary $240,000.00 per year", schedule="semimonthly",
                     deductions="retirement 15%, income-tax"))
    slips = year_of_slips(rules, "pat", D(2026, 1, 1), D(2026, 12, 31))
    deferrals = [line(slip, "retirement").employee for slip in slips]
    assert deferrals[:15] == [Decimal("1500.00")] * 15
    assert deferrals[15] == Decimal("1000.00")  # 23,500 - 15 x 1,500
    assert deferrals[16:] == [Decimal("0.00")] * 8
    # the match is 50% of the deferral, on at most 6% of pay ($600): $300 while deferring
    assert [line(slip, "retirement").employer for slip in slips[:17]] == [Decimal("300.00")] * 16 + [Decimal("0.00")]
    # pre-tax: income tax is 10% of pay less the deferral
    assert line(slips[0], "income-tax").employee == Decimal("850.00")
    assert line(slips[15], "income-tax").employee == Decimal("900.00")
    assert line(slips[16], "income-tax").employee == Decimal("1000.00")


BRACKETS = """
deduction income-tax
    brackets 0 0%, 12000 10%, 48000 20%
    liability Liabilities:Income Tax
"""


@pytest.mark.parametrize("salary, tax", [
    ("12000.00", "0.00"),      # exactly at the first threshold: nothing above it
    ("12000.12", "0.00"),      # $0.012 a year: $0.001 a month
    ("12000.60", "0.01"),      # $0.06 a year = $0.005 a month: half rounds up (half-even would give 0.00)
    ("48000.00", "300.00"),    # 10% of 36,000 / 12
    ("48012.00", "300.20"),    # and 20% of the 12 above the next threshold
])
def test_bracket_edges(salary, tax):
    rules = rules_of(BRACKETS + employee_block(pay=f"salary ${salary} per year", deductions="income-tax"))
    slip = compute_slip(rules, "pat", D(2026, 3, 31))
    assert line(slip, "income-tax").employee == Decimal(tax)
    assert slip.gross + 0 == slip.net + Decimal(tax)


def test_bracket_tax_is_progressive():
    brackets = (Bracket(Decimal(0), Decimal("0.1")), Bracket(Decimal(100), Decimal("0.2")))
    assert bracket_tax(Decimal(50), brackets) == Decimal("5.0")
    assert bracket_tax(Decimal(150), brackets) == Decimal("20.0")
    assert bracket_tax(Decimal(0), brackets) == 0


def test_mid_month_hire_is_paid_for_the_calendar_days_employed():
    """Hired on 16 March: 16 of March's 31 days of a $6,000 month = $3,096.77."""
    rules = rules_of(employee_block(pay="salary $72,000.00 per year", extra="    start 2026-03-16"))
    with pytest.raises(PayrollError, match="not employed"):
        compute_slip(rules, "pat", D(2026, 2, 27))
    assert compute_slip(rules, "pat", D(2026, 3, 31)).gross == Decimal("3096.77")
    assert compute_slip(rules, "pat", D(2026, 4, 30)).gross == Decimal("6000.00")


def test_last_period_is_prorated_and_nothing_is_due_after_leaving():
    rules = rules_of(employee_block(pay="salary $78,000.00 per year", schedule="semimonthly",
                                    extra="    start 2026-01-12\n    end 2026-06-20"))
    assert compute_slip(rules, "pat", D(2026, 1, 15)).gross == Decimal("866.67")  # 4 of 15 days
    assert compute_slip(rules, "pat", D(2026, 6, 30)).gross == Decimal("1083.33")  # 5 of 15 days
    assert rules.due_on(D(2026, 6, 30)) == ("pat",)
    assert rules.due_on(D(2026, 7, 15)) == ()


HOURLY = employee_block(pay="hourly $20.00 per hour", schedule="biweekly on 2026-01-09",
                        extra="    overtime 1.5 over 40")


@pytest.mark.parametrize("hours, regular, overtime, gross", [
    ("40+40", "80", "0", "1600.00"),
    ("45+38", "78", "5", "1710.00"),    # overtime counts by the week: 5 over in the first
    ("90", "80", "10", "1900.00"),      # a two-week total is taken as evenly spread
    ("35.5+40", "75.5", "0", "1510.00"),
])
def test_overtime_over_the_weekly_threshold(hours, regular, overtime, gross):
    slip = compute_slip(rules_of(HOURLY), "pat", D(2026, 1, 23), parse_hours(hours))
    assert (slip.regular_hours, slip.overtime_hours, slip.gross) == (Decimal(regular), Decimal(overtime),
                                                                     Decimal(gross))
    assert slip.period.start == D(2026, 1, 10) and slip.period.end == D(2026, 1, 23)


def test_hourly_needs_hours_in_the_shape_of_the_period():
    rules = rules_of(HOURLY)
    with pytest.raises(PayrollError, match="give the hours"):
        compute_slip(rules, "pat", D(2026, 1, 23))
    with pytest.raises(PayrollError, match="each of its 2 weeks"):
        compute_slip(rules, "pat", D(2026, 1, 23), parse_hours("40+40+40"))
    with pytest.raises(PayrollError, match="not a number of hours"):
        parse_hours("forty")


def test_rate_change_on_january_first_and_caps_reset():
    rules = rules_of(SOCIAL_SECURITY + """
deduction retirement
    rate 5%
    pretax
    liability Liabilities:Retirement

deduction retirement
    effective 2027-01-01
    rate 6%
    pretax
    liability Liabilities:Retirement
""" + employee_block(deductions="social-security, retirement"))
    slips = year_of_slips(rules, "pat", D(2026, 12, 1), D(2027, 1, 31))
    assert [slip.date for slip in slips] == [D(2026, 12, 31), D(2027, 1, 29)]  # 31 Jan 2027 is a Sunday
    december, january = slips
    assert line(december, "retirement").employee == Decimal("1500.00")
    assert line(january, "retirement").employee == Decimal("1800.00")
    # December's pay is over the wage base for 2026; January starts a new year
    history = [RecordedRun.from_slip(slip) for slip in year_of_slips(rules, "pat", D(2026, 1, 1), D(2026, 12, 31))]
    assert line(compute_slip(rules, "pat", D(2026, 12, 31), history=history[:-1]), "social-security").employee == 0
    assert line(compute_slip(rules, "pat", D(2027, 1, 29), history=history), "social-security").employee == \
        Decimal("1860.00")


def test_flat_deductions_never_take_more_than_what_is_left():
    rules = rules_of("""
deduction garnishment
    liability Liabilities:Garnishments
""" + employee_block(pay="hourly $10.00", schedule="weekly on 2026-01-02", deductions="garnishment $500.00"))
    slip = compute_slip(rules, "pat", D(2026, 1, 9), (Decimal(30),))
    assert slip.gross == Decimal("300.00") and line(slip, "garnishment").employee == Decimal("300.00")
    assert slip.net == 0


def test_employee_own_rate_replaces_the_rules():
    rules = rules_of("""
deduction retirement
    rate 5%
    liability Liabilities:Retirement
""" + employee_block(deductions="retirement 3%") + employee_block(ident="kim", deductions="retirement"))
    assert line(compute_slip(rules, "pat", D(2026, 1, 30)), "retirement").employee == Decimal("900.00")
    assert line(compute_slip(rules, "kim", D(2026, 1, 30)), "retirement").employee == Decimal("1500.00")


def test_named_pretax_base_leaves_out_only_those_named():
    rules = rules_of("""
deduction health
    pretax
    liability Liabilities:Health
deduction retirement
    pretax
    liability Liabilities:Retirement
deduction medicare
    rate 10%
    base gross - health
    liability Liabilities:Medicare
deduction income-tax
    brackets 0 10%
    base gross - pretax
    liability Liabilities:Income Tax
""" + employee_block(pay="salary $12,000.00 per year", deductions="medicare, income-tax, health $100.00,"
                     " retirement 10%"))
    slip = compute_slip(rules, "pat", D(2026, 1, 30))
    assert [item.name for item in slip.deductions] == ["medicare", "income-tax", "health", "retirement"]
    assert line(slip, "medicare").employee == Decimal("90.00")     # 10% of 1,000 - 100
    assert line(slip, "income-tax").employee == Decimal("80.00")   # 10% of 1,000 - 100 - 100
    assert slip.net == Decimal("630.00")


def test_pay_calendar():
    rules = rules_of(employee_block(schedule="semimonthly") + employee_block(ident="kim")
                     + employee_block(ident="sam", pay="hourly $10", schedule="biweekly on 2026-01-09"))
    # semimonthly: the 15th and the last day, moved back to Friday from a weekend
    assert pay_dates(rules.employee("pat", D(2026, 1, 1)), D(2026, 2, 1), D(2026, 3, 31)) == [
        D(2026, 2, 13), D(2026, 2, 27), D(2026, 3, 13), D(2026, 3, 31)]
    assert period_containing(rules.employee("pat", D(2026, 1, 1)), D(2026, 2, 13)).end == D(2026, 2, 15)
    assert pay_dates(rules.employee("kim", D(2026, 1, 1)), D(2026, 1, 1), D(2026, 3, 31)) == [
        D(2026, 1, 30), D(2026, 2, 27), D(2026, 3, 31)]
    assert pay_dates(rules.employee("sam", D(2026, 1, 1)), D(2025, 12, 20), D(2026, 1, 31)) == [
        D(2025, 12, 26), D(2026, 1, 9), D(2026, 1, 23)]
    assert rules.due_on(D(2026, 1, 30)) == ("pat", "kim")
    with pytest.raises(PayrollError, match="not a pay date of kim"):
        compute_slip(rules, "kim", D(2026, 1, 15))
    with pytest.raises(PayrollError, match="no employee 'nobody'"):
        compute_slip(rules, "nobody", D(2026, 1, 15))


def test_employee_versions_change_the_salary_from_their_date():
    rules = rules_of(employee_block() + employee_block(pay="salary $480,000.00 per year",
                                                       extra="    effective 2026-07-01"))
    assert compute_slip(rules, "pat", D(2026, 6, 30)).gross == Decimal("30000.00")
    assert compute_slip(rules, "pat", D(2026, 7, 31)).gross == Decimal("40000.00")


def test_slip_transaction_balances_and_reads_back():
    rules = rules_of(SOCIAL_SECURITY + employee_block(deductions="social-security"))
    slip = compute_slip(rules, "pat", D(2026, 1, 30))
    transaction = slip_transaction(slip)
    assert sum(posting.amount.quantity for posting in transaction.postings) == 0
    text = format_entry(transaction, {})
    loaded = textledger.loads(text).transactions[0]
    assert loaded == transaction
    assert recorded_runs([loaded]) == (RecordedRun.from_slip(slip),)


# ---------------------------------------------------------------- properties over a year of pay runs

money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("20000"), places=2)
rates = st.decimals(min_value=Decimal(0), max_value=Decimal(30), places=2)


@st.composite
def payroll_cases(draw):
    """Journal text with random rules and one employee, the pay dates of a year starting
    on a random day (so that most years cross a January 1), and hours for each."""
    rules, names = [], []
    for index in range(draw(st.integers(1, 5))):
        name = f"rule{index}"
        kind = draw(st.sampled_from(["rate", "amount", "brackets", "pretax"]))
        body = []
        if kind == "rate":
            body.append(f"rate {draw(rates)}%")
            if draw(st.booleans()):
                body.append(f"employer-rate {draw(rates)}%")
            if draw(st.booleans()):
                body.append(f"wage-base ${draw(st.decimals(min_value=1, max_value=200000, places=2))}")
            body.append(f"base gross{draw(st.sampled_from(['', ' - pretax']))}")
        elif kind == "amount":
            body.append(f"amount ${draw(st.decimals(min_value=Decimal('0.01'), max_value=500, places=2))}")
            if draw(st.booleans()):
                body.append(f"employer-amount ${draw(st.decimals(min_value=1, max_value=300, places=2))}")
        elif kind == "brackets":
            thresholds = sorted(draw(st.sets(st.integers(1, 300000), max_size=4)))
            body.append("brackets " + ", ".join(f"{t} {draw(rates)}%" for t in [0] + thresholds))
            body.append("base gross - pretax")
        else:
            body += ["pretax", draw(st.sampled_from([f"rate {draw(rates)}%", f"amount ${draw(money)}"]))]
            if draw(st.booleans()):
                body.append(f"annual-limit ${draw(st.decimals(min_value=1, max_value=30000, places=2))}")
            if draw(st.booleans()):
                body.append(f"employer-match {draw(rates)}%" + draw(st.sampled_from(["", " up to 6%"])))
        if any(word.startswith("employer") for word in body):
            body.append("expense Expenses:Employer")
        body.append(f"liability Liabilities:{name}")
        rules.append(f"deduction {name}\n" + "".join(f"    {line}\n" for line in body))
        names.append(name)
    hourly = draw(st.booleans())
    if hourly:
        schedule = draw(st.sampled_from(["weekly", "biweekly"]))
        anchor = D(2026, 1, 1) + dt.timedelta(days=draw(st.integers(0, 13)))
        pay = f"hourly ${draw(st.decimals(min_value=8, max_value=150, places=2))}\n    schedule {schedule} on {anchor}"
        if draw(st.booleans()):
            pay += f"\n    overtime {draw(st.sampled_from(['1.5', '2', '1.25']))} over 40"
    else:
        salary = draw(st.decimals(min_value=1000, max_value=600000, places=2))
        schedule = draw(st.sampled_from(["weekly on 2026-01-02", "biweekly on 2026-01-09", "semimonthly", "monthly"]))
        pay = f"salary ${salary} per year\n    schedule {schedule}"
    begin = D(2026, 1, 1) + dt.timedelta(days=draw(st.integers(0, 364)))
    end = begin + dt.timedelta(days=365)
    dates_text = ""
    if draw(st.booleans()):
        dates_text += f"\n    start {begin + dt.timedelta(days=draw(st.integers(0, 60)))}"
    if draw(st.booleans()):
        dates_text += f"\n    end {end - dt.timedelta(days=draw(st.integers(0, 60)))}"
    text = HEAD + "\n".join(rules) + f"""
employee pat "Pat"
    {pay}{dates_text}
    deductions {', '.join(names)}
    expense Expenses:Wages
    pay-from Assets:Bank
"""
    weeks = st.decimals(min_value=0, max_value=70, places=1)
    hours = draw(st.lists(st.tuples(weeks, weeks), min_size=60, max_size=60)) if hourly else None
    return text, begin, end, hours


def _run_year(text, begin, end, hours):
    journal = textledger.loads(text)
    rules = PayrollRules.from_journal(journal)
    person = rules.employee("pat", begin)
    slips, history = [], []
    for index, day in enumerate(pay_dates(person, begin, end)):
        if "pat" not in rules.due_on(day):
            continue
        worked = None
        if hours is not None:
            worked = hours[index][:1] if person.schedule == "weekly" else hours[index]
        slip = compute_slip(rules, "pat", day, worked, history)
        slips.append(slip)
        history.append(RecordedRun.from_slip(slip))
    return journal, rules, slips


@given(payroll_cases())
def test_gross_is_net_plus_deductions_and_caps_hold_in_every_year(case):
    journal, rules, slips = _run_year(*case)
    cent = Decimal("0.01")
    for slip in slips:
        assert slip.gross == slip.net + sum(item.employee for item in slip.deductions)
        assert slip.net >= 0
        for amount in [slip.gross, slip.net] + [item.employee for item in slip.deductions] + \
                [item.employer for item in slip.deductions]:
            assert amount >= 0 and amount == amount.quantize(cent)
    for year in {slip.date.year for slip in slips}:
        of_year = [slip for slip in slips if slip.date.year == year]
        for name in {item.name for slip in of_year for item in slip.deductions}:
            rule = rules.rule(name, D(year, 12, 31))
            items = [item for slip in of_year for item in slip.deductions if item.name == name]
            if rule.wage_base is not None:
                assert sum(item.base for item in items) <= rule.wage_base.quantity
                if rule.rate is not None:
                    assert sum(item.employee for item in items) <= \
                        (rule.rate * rule.wage_base.quantity).quantize(cent, rounding="ROUND_HALF_UP")
            if rule.annual_limit is not None:
                assert sum(item.employee for item in items) <= rule.annual_limit.quantity


@given(payroll_cases())
def test_recorded_runs_balance_reconcile_reproduce_and_add_up(case):
    text, begin, end, hours = case
    _, rules, slips = _run_year(text, begin, end, hours)
    transactions = [slip_transaction(slip) for slip in slips]
    for transaction in transactions:
        assert sum(posting.amount.quantity for posting in transaction.postings) == 0
    recorded = textledger.loads(text + "\n" + "\n".join(format_entry(t, {}) for t in transactions))
    assert reconcile(recorded) == []
    runs = recorded_runs(recorded.transactions)
    assert runs == tuple(RecordedRun.from_slip(slip) for slip in slips)
    for slip in slips[::7]:  # the same date again, from the journal that records it: the same slip
        assert compute_slip(rules, "pat", slip.date, slip.hours or None, runs) == slip
    for year in {slip.date.year for slip in slips}:
        of_year = [slip for slip in slips if slip.date.year == year]
        (total,) = year_to_date(runs, year)
        assert total.gross == sum(slip.gross for slip in of_year)
        assert total.net == sum(slip.net for slip in of_year)
        for name, quantity in total.employee_shares:
            assert quantity == sum(item.employee for slip in of_year for item in slip.deductions if item.name == name)
        for name, quantity in total.employer_shares:
            assert quantity == sum(item.employer for slip in of_year for item in slip.deductions if item.name == name)


# ---------------------------------------------------------------- the edge of the calendar


@pytest.mark.parametrize("schedule", ["monthly", "semimonthly"])
def test_a_pay_date_whose_period_leaves_the_calendar_is_a_payroll_error(schedule):
    rules = rules_of(employee_block(schedule=schedule))
    with pytest.raises(PayrollError, match="outside the calendar"):
        compute_slip(rules, "pat", D(9999, 12, 31))


def test_the_largest_amounts_the_rules_allow_make_an_exact_slip():
    rules = rules_of(SOCIAL_SECURITY.replace("$176,100.00", "$999,999,999,999,999.99")
                     + employee_block(pay="salary $999,999,999,999,999.99 per year", deductions="social-security"))
    slip = compute_slip(rules, "pat", D(2026, 1, 30))
    assert slip.gross == Decimal("83333333333333.33") and slip.gross == slip.net + line(slip, "social-security").employee


@pytest.mark.parametrize("text", ["10000", "1+10000", "99999.5"])
def test_more_hours_than_a_period_holds_are_refused(text):
    with pytest.raises(PayrollError, match="too many hours"):
        parse_hours(text)


def test_a_commodity_with_more_places_than_the_default_precision_still_gives_an_exact_slip():
    """`commodity $.0000000000000000000000001` makes the minor unit 25 places: rounding a
    salary to it needs more than the default 28 digits (found by bench/fuzz.py)."""
    journal = textledger.loads(textwrap.dedent("""\
        commodity $.0000000000000000000000001
        deduction retirement
            rate 5%
            annual-limit $23500 per year
            liability Liabilities:Retirement
        employee y
            salary $78000 per year
            schedule semimonthly
            deductions retirement
            expense Expenses:Wages
            pay-from Assets:Bank
        """))
    slip = compute_slip(PayrollRules.from_journal(journal), "y", dt.date(2026, 6, 30), None, (), Decimal("1E-25"))
    assert slip.gross == Decimal("3250")
    assert slip.deductions and slip.gross == slip.net + slip.withheld
