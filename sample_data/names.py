"""Made-up names for schools and staff (no student names are generated)."""
import numpy as np

SCHOOL_FIRST = (
    "Oak", "Maple", "Cedar", "Willow", "Pine", "Birch", "Aspen", "Elm", "Hickory", "Spruce",
    "Sycamore", "Magnolia", "Laurel", "Juniper", "Chestnut", "Cottonwood", "Redbud", "Dogwood",
    "Lincoln", "Washington", "Jefferson", "Roosevelt", "Franklin", "Douglass", "Tubman", "Chavez",
    "Carver", "Parks", "Sequoyah", "Keller", "Curie", "Hawthorne", "Whitman", "Audubon", "Emerson",
    "Thoreau", "Riverside", "Lakeview", "Hillcrest", "Fairview", "Sunnyside", "Brookside",
    "Eastgate", "Westwood", "Northfield", "Southridge", "Prairie", "Canyon", "Mesa", "Harbor",
)
SCHOOL_SECOND = (
    "", "Ridge", "Valley", "Park", "Hill", "Creek", "Grove", "Meadow", "Lake", "Springs",
    "Heights", "Crossing", "Trail", "Point", "Glen",
)
LEVEL_SUFFIX = ("Elementary School", "Middle School", "High School")

FIRST_NAMES = (
    "Maria", "James", "Aisha", "Robert", "Mei", "Carlos", "Jennifer", "Michael", "Fatima", "David",
    "Linda", "Jose", "Keisha", "William", "Priya", "Daniel", "Sarah", "Thomas", "Ana", "Kevin",
    "Emily", "Luis", "Grace", "Andre", "Hannah", "Tyrone", "Olivia", "Minh", "Rachel", "Samuel",
    "Laura", "Diego", "Nicole", "Brian", "Yesenia", "Marcus", "Julie", "Ahmed", "Megan", "Hiroshi",
    "Karen", "Darnell", "Rosa", "Steven", "Leilani", "Paul", "Amanda", "Jamal", "Erin", "Tomas",
)
LAST_NAMES = (
    "Smith", "Johnson", "Garcia", "Williams", "Brown", "Martinez", "Jones", "Nguyen", "Davis",
    "Rodriguez", "Miller", "Lopez", "Wilson", "Hernandez", "Anderson", "Patel", "Thomas", "Kim",
    "Jackson", "Gonzalez", "White", "Harris", "Chen", "Clark", "Lewis", "Ramirez", "Robinson",
    "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Hill", "Flores", "Green",
    "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts",
    "Begay", "Yazzie", "Kealoha", "Okafor",
)


def school_names(counts_by_level: list[int], rng: np.random.Generator) -> list[list[str]]:
    """Unique school names per level, e.g. 'Cedar Creek Elementary School'."""
    combos = [f"{a} {b}".strip() for a in SCHOOL_FIRST for b in SCHOOL_SECOND]
    out = []
    for level, n in enumerate(counts_by_level):
        picks = rng.permutation(len(combos))
        names = [combos[i] for i in picks[: min(n, len(combos))]]
        k = 2
        while len(names) < n:  # more schools than combinations: number the rest
            names += [f"{combos[i]} {k}" for i in picks[: n - len(names)]]
            k += 1
        out.append([f"{name} {LEVEL_SUFFIX[level]}" for name in names])
    return out


def person_names(n: int, rng: np.random.Generator) -> np.ndarray:
    first = np.array(FIRST_NAMES, dtype=object)[rng.integers(0, len(FIRST_NAMES), n)]
    last = np.array(LAST_NAMES, dtype=object)[rng.integers(0, len(LAST_NAMES), n)]
    return first + " " + last
