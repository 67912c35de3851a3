"""The demo council's service catalogue and its providers.

Fixed data (no randomness): the same catalogue whatever the seed, so screens, tests and
training notes can name services and providers. Cost centres and subjective codes follow the
shape of a council general ledger (a cost centre per client group or service area, a subjective
code per kind of spend); the values are fictional.
"""

from __future__ import annotations

from typing import Final

from carecharge.apps.care.models import ChargingMethod, FreeReason, ServiceCategory, Unit

from .plan import ProviderPlan, ServicePlan

# The flat-rate prices live in rules/local/<council>/flat_rates/<name>.yaml.
FLAT_RATE_RULES: Final = ("meals", "transport", "telecare", "day_care_session")

# Service codes the generator refers to.
RES_PERMANENT: Final = "RES-PERM"
RES_SHORT_STAY: Final = "RES-RESPITE"
NURSING: Final = "NURS-PERM"
HOME_CARE: Final = "HOMECARE"
DAY_CARE: Final = "DAYCARE"
SUPPORTED_LIVING: Final = "SUPP-LIVING"
EXTRA_CARE: Final = "EXTRA-CARE"
SHARED_LIVES: Final = "SHARED-LIVES"
DIRECT_PAYMENT: Final = "DP"
MEALS: Final = "MEALS"
TRANSPORT: Final = "TRANSPORT"
TELECARE: Final = "TELECARE"
DAY_OPPORTUNITIES: Final = "DAY-OPPS"
REABLEMENT: Final = "REABLEMENT"
EQUIPMENT: Final = "EQUIPMENT"

# One service a row: code | name | category | charging method | free reason | unit |
# flat-rate rule | cost centre | subjective code. Read as a table so it can be reviewed as one.
_SERVICES: Final = """
RES-PERM     | Residential care (permanent)        | residential_permanent  | means_tested | | week    | | ASC4110 | 52110
RES-RESPITE  | Residential respite (short stay)    | residential_short_stay | means_tested | | night   | | ASC4120 | 52120
NURS-PERM    | Nursing care (permanent)            | nursing                | means_tested | | week    | | ASC4130 | 52130
HOMECARE     | Home care                           | home_care              | means_tested | | hour    | | ASC4210 | 52210
DAYCARE      | Day care (day centre)               | day_care               | means_tested | | session | | ASC4310 | 52310
SUPP-LIVING  | Supported living                    | supported_living       | means_tested | | hour    | | ASC4410 | 52410
EXTRA-CARE   | Extra care housing (care hours)     | extra_care             | means_tested | | hour    | | ASC4420 | 52420
SHARED-LIVES | Shared lives placement              | shared_lives           | means_tested | | week    | | ASC4430 | 52430
DP           | Direct payment                      | direct_payment         | means_tested | | week    | | ASC4510 | 52510
MEALS        | Meals at home                       | meals                  | flat_rate    | | meal    | meals            | ASC4610 | 52610
TRANSPORT    | Transport to day services           | transport              | flat_rate    | | trip    | transport        | ASC4620 | 52620
TELECARE     | Community alarm and telecare        | telecare               | flat_rate    | | week    | telecare         | ASC4630 | 52630
DAY-OPPS     | Day opportunities (community group) | day_care               | flat_rate    | | session | day_care_session | ASC4320 | 52320
REABLEMENT   | Reablement                          | reablement             | free | reablement | hour | | ASC4010 | 52010
EQUIPMENT    | Equipment and minor adaptations     | equipment              | free | equipment  | week | | ASC4020 | 52020
"""  # noqa: E501 (a table is easier to review at full width)


def _table(text: str) -> list[list[str]]:
    return [[cell.strip() for cell in line.split("|")] for line in text.strip().splitlines()]


def services(council: str) -> tuple[ServicePlan, ...]:
    """The catalogue; flat-rate services name their price rule in the council's rules."""
    found = []
    for code, name, category, method, free, unit, rule, cost_centre, subjective in _table(
        _SERVICES
    ):
        found.append(
            ServicePlan(
                code=code,
                name=name,
                # The model's choices check each word, so a typing slip fails here, not later.
                category=ServiceCategory(category).value,
                charging_method=ChargingMethod(method).value,
                free_reason=FreeReason(free).value,
                unit=Unit(unit).value,
                flat_rate_rule=f"local.{council}.flat_rates.{rule}" if rule else "",
                cost_centre=cost_centre,
                subjective_code=subjective,
            )
        )
    return tuple(found)


# Provider kinds, and the service each kind mainly delivers.
CARE_HOME: Final = "care_home"
NURSING_HOME: Final = "nursing_home"
HOME_CARE_AGENCY: Final = "home_care"
DAY_CENTRE: Final = "day_centre"
SUPPORTED_LIVING_PROVIDER: Final = "supported_living"
EXTRA_CARE_SCHEME: Final = "extra_care"
SHARED_LIVES_SCHEME: Final = "shared_lives"
MEALS_PROVIDER: Final = "meals"
EQUIPMENT_SERVICE: Final = "equipment"

# One provider a row: code | name | kind | street | town | postcode | price a unit this fee year
# (pence: a week for care homes and shared lives, an hour for care at home, a session, a meal).
_PROVIDERS: Final = """
CH01 | Elm Lodge Care Home                    | care_home        | 14 Church Road            | Northfield     | NR2 4PT  | 98500
CH02 | The Beeches                            | care_home        | 2 Beech Avenue            | Ashby Green    | NR5 8HD  | 91000
CH03 | Willowmead House                       | care_home        | Mill Lane                 | Harwood        | NR13 6QS | 104750
CH04 | Rowan Court Care Centre                | care_home        | 60 Rowan Way              | Northfield     | NR3 1LW  | 112000
CH05 | St Anne's Residential Home             | care_home        | St Anne's Close           | Brackenfield   | IP22 3NF | 88250
CH06 | Meadowbank                             | care_home        | 1 Meadow Drive            | Kelmarsh Vale  | NR7 0DE  | 96600
NH01 | Oakfield Nursing Home                  | nursing_home     | Oakfield Road             | Northfield     | NR4 7TJ  | 132500
NH02 | Harwood Park Nursing Centre            | nursing_home     | Park Lane                 | Harwood        | NR14 8AB | 128900
NH03 | Stanton Hall                           | nursing_home     | Hall Road                 | Little Stanton | IP21 4RS | 141200
HC01 | Northfield Home Support Ltd            | home_care        | Unit 4, Station Road      | Northfield     | NR1 3JE  | 2496
HC02 | Caring Hands Homecare                  | home_care        | 22 High Street            | Ashby Green    | NR6 5BU  | 2450
HC03 | Vale Domiciliary Care                  | home_care        | 3 Market Place            | Kelmarsh Vale  | NR7 9FG  | 2530
HC04 | Bluebell Care at Home                  | home_care        | The Old Bank, Queens Road | Brackenfield   | IP25 6DS | 2410
HC05 | Harwood Community Care                 | home_care        | 8 Telford Court           | Harwood        | NR13 5XY | 2575
HC06 | Independence at Home CIC               | home_care        | 41 Victoria Street        | Northfield     | NR2 1AQ  | 2468
DC01 | Northfield Day Centre                  | day_centre       | Albert Street             | Northfield     | NR1 2DN  | 5800
DC02 | Ashby Green Resource Centre            | day_centre       | Grange Road               | Ashby Green    | NR5 0JH  | 6450
DC03 | Oakley Cross Friendship Club           | day_centre       | Village Hall, Church Lane | Oakley Cross   | PE37 2WB | 4900
SL01 | Horizon Supported Living               | supported_living | 5 Linden Grove            | Northfield     | NR3 4GH  | 2320
EC01 | Cedar Gardens Extra Care               | extra_care       | Cedar Gardens             | Harwood        | NR14 7LT | 2280
SH01 | Northfield Shared Lives Scheme         | shared_lives     | Town Hall, Market Place   | Northfield     | NR1 1BB  | 47500
ML01 | Hot Meals Direct                       | meals            | Unit 9, Brunel Way        | Harwood        | NR13 2PU | 690
EQ01 | Northfield Community Equipment Service | equipment        | Depot, Faraday Road       | Northfield     | NR4 9ZA  | 350
"""  # noqa: E501 (a table is easier to review at full width)


def providers() -> tuple[ProviderPlan, ...]:
    return tuple(
        ProviderPlan(
            code=code,
            name=name,
            kind=kind,
            line_1=street,
            town=town,
            postcode=postcode,
            # Synthetic ids in the CQC location id shape ("1-" and ten digits); meals and
            # equipment suppliers are not CQC-registered care services.
            cqc_location_id=""
            if kind in {MEALS_PROVIDER, EQUIPMENT_SERVICE}
            else f"1-{9_900_000_000 + index:010d}",
            price_pence=int(price),
        )
        for index, (code, name, kind, street, town, postcode, price) in enumerate(
            _table(_PROVIDERS), 1
        )
    )


def of_kind(all_providers: tuple[ProviderPlan, ...], *kinds: str) -> tuple[ProviderPlan, ...]:
    return tuple(p for p in all_providers if p.kind in kinds)
