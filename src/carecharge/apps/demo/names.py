"""Word lists for synthetic people and places: common UK names, streets and fictional towns.

Kept in the repository (no Faker) so the demo council is the same on every machine and for
every library version: the same seed must always give the same people.

The towns are fictional places in the fictional Northfield borough. Their postcodes have the
real UK shape (they pass ``normalise_postcode``) with outward codes from a few real districts
and random inward codes; any resemblance to a real address is chance.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


def _words(text: str, separator: str | None = None) -> tuple[str, ...]:
    # Long word lists read better as running text than as one quoted string per line.
    return tuple(text.split(separator))


# Forenames common among people now in their seventies to nineties ...
OLDER_FEMALE = _words(
    "Margaret Patricia Joan Dorothy Jean Barbara Mary Sheila Brenda Maureen Doreen Irene "
    "Joyce Eileen Audrey Betty Valerie Sylvia Pauline Shirley Elizabeth Kathleen Marjorie "
    "Edna Gladys Hilda Iris Vera Janet Christine Ann Sandra Carol Susan Linda Gillian Rita"
)
OLDER_MALE = _words(
    "John David Michael Peter Robert Brian Alan Kenneth William James Anthony Roy Derek "
    "Ronald George Frank Keith Terence Raymond Dennis Colin Geoffrey Leslie Norman Stanley "
    "Arthur Eric Harold Bernard Gordon Malcolm Trevor Barry Graham Richard Thomas Donald"
)
# ... and among working-age adults.
YOUNGER_FEMALE = _words(
    "Sarah Emma Claire Laura Rachel Rebecca Hannah Nicola Louise Amy Kelly Lisa Joanne "
    "Michelle Victoria Charlotte Gemma Samantha Jennifer Katie Sophie Helen Zoe Natalie "
    "Jessica Lucy Amanda Aisha Fatima Priya"
)
YOUNGER_MALE = _words(
    "Daniel Matthew Christopher Andrew Mark Paul Stephen Jonathan Simon Lee Craig Darren "
    "Jamie Ryan Adam Luke Ben Thomas Gareth Wayne Dean Scott Carl Liam Nathan Mohammed "
    "Imran Ravi Tomasz Kwame"
)
MIDDLE_NAMES = _words("Ann Mary Elizabeth Jane Louise Marie John James William Edward Alan Peter")

SURNAMES = _words(
    "Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson Evans "
    "Walker White Roberts Green Hall Wood Jackson Clarke Patel Khan Lewis James Phillips Mason "
    "Mitchell Rose Davis Rodriguez Cox Alexander Morgan Moore Lee Hughes Edwards Hill Harris "
    "Martin Cooper Ward Turner Baker Harrison Morris Parker Bennett Cook Bell Collins Shaw "
    "Chapman Watson Knight Allen Young King Scott Marshall Holmes Carter Webb Ellis Hunt Palmer "
    "Lloyd Gray Matthews Stevens Fisher Mills Kelly Murphy Saunders Pearson Barker Dixon "
    "Richardson Gibson Foster Ahmed Hussain Begum Ali Singh Kaur Nowak Kowalski O'Brien "
    "Fletcher Barnes Russell Price Dawson Holland Sutton Owen Reid Burton Lamb Spencer Atkinson"
)

STREETS = _words(
    "Church Station Victoria Park Mill Manor Queens Kings Albert Grange Orchard Meadow "
    "Chestnut Beech Willow Elm Oak Ash Hawthorn Rowan Linden Cedar Holly Laburnum Primrose "
    "Bluebell Heather Fern Windsor York Lancaster Stafford Percy Howard Neville Cromwell "
    "Nelson Wellington Granville Ruskin Tennyson Milton Shelley Wordsworth Brunel Telford "
    "Stephenson Darwin Newton Faraday Kelvin Somerset Devon Cornwall Dorset"
)
STREET_KINDS = _words("Road Street Lane Avenue Close Drive Crescent Way Gardens Grove Place Court")
HOUSE_NAMES = _words("Rose Cottage|The Laurels|Fairview|The Willows|Hillcrest|Meadow View", "|")

# Fictional towns in the demo borough. Their outward codes are real postcode districts (in
# East Anglia) so every postcode has a genuine shape; the streets and towns are invented.
TOWNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Northfield", ("NR1", "NR2", "NR3", "NR4")),
    ("Ashby Green", ("NR5", "NR6")),
    ("Kelmarsh Vale", ("NR7",)),
    ("Harwood", ("NR13", "NR14")),
    ("Little Stanton", ("IP21",)),
    ("Brackenfield", ("IP22", "IP25")),
    ("Oakley Cross", ("PE37",)),
)
# Where relatives and representatives live: fictional places further away.
ELSEWHERE: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Westmere", ("CB1", "CB4")),
    ("Southby", ("LN2",)),
    ("Eastleigh Magna", ("NG5", "NG9")),
    ("Kingsholme", ("LE3",)),
)
# Royal Mail never uses C, I, K, M, O or V in the last two letters of a postcode.
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


@dataclass(frozen=True, slots=True)
class PostalAddress:
    line_1: str
    line_2: str
    town: str
    postcode: str


def street_name(rng: random.Random) -> str:
    return f"{rng.choice(STREETS)} {rng.choice(STREET_KINDS)}"


def postcode(rng: random.Random, outward_codes: tuple[str, ...]) -> str:
    inward = f"{rng.randint(1, 9)}{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"
    return f"{rng.choice(outward_codes)} {inward}"


def home_address(rng: random.Random, *, elsewhere: bool = False) -> PostalAddress:
    """A house in the borough (or, for relatives, somewhere else)."""
    town, outward = rng.choice(ELSEWHERE if elsewhere else TOWNS)
    roll = rng.random()
    if roll < 0.08:
        # A named house: the name takes the first line, the street the second.
        return PostalAddress(
            rng.choice(HOUSE_NAMES), street_name(rng), town, postcode(rng, outward)
        )
    if roll < 0.20:
        flat = f"Flat {rng.randint(1, 24)}, {rng.choice(STREETS)} House"
        return PostalAddress(flat, street_name(rng), town, postcode(rng, outward))
    line_1 = f"{rng.randint(1, 180)} {street_name(rng)}"
    return PostalAddress(line_1, "", town, postcode(rng, outward))


def forename(rng: random.Random, *, female: bool, older: bool) -> str:
    if older:
        return rng.choice(OLDER_FEMALE if female else OLDER_MALE)
    return rng.choice(YOUNGER_FEMALE if female else YOUNGER_MALE)


def title_for(rng: random.Random, *, female: bool, married: bool) -> str:
    roll = rng.random()
    if roll < 0.01:
        return "Dr"
    if roll < 0.015:
        return "Mx"
    if not female:
        return "Mr"
    if married:
        return "Mrs"
    return rng.choice(("Mrs", "Mrs", "Miss", "Ms"))


def relative_name(rng: random.Random, surname: str) -> str:
    """A grown-up child or other relative: often the same surname, sometimes married away."""
    female = rng.random() < 0.6
    first = forename(rng, female=female, older=rng.random() < 0.4)
    last = surname if rng.random() < 0.55 else rng.choice(SURNAMES)
    return f"{'Mrs' if female else 'Mr'} {first} {last}"
