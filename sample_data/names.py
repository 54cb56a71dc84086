"""Made-up names for schools, staff and students."""
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


STUDENT_FIRST = (  # by sex code: F, M; X draws from both
    ("Sofia", "Ava", "Mia", "Amara", "Lucia", "Zoe", "Nia", "Chloe", "Isabella", "Aaliyah", "Emma",
     "Ximena", "Hana", "Layla", "Naomi", "Camila", "Ruby", "Imani", "Valentina", "Lily"),
    ("Liam", "Noah", "Mateo", "Elijah", "Ethan", "Jayden", "Omar", "Lucas", "Santiago", "Isaiah",
     "Kai", "Malik", "Owen", "Julian", "Adrian", "Caleb", "Dante", "Ezra", "Leo", "Xavier"),
)


def student_names(seed: int, students: np.ndarray, sex: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(first, last) names of registry students, the same every year for a seed; a hash of the
    registry index, not a random stream, so the other files' draws stay as they were."""
    with np.errstate(over="ignore"):
        h = (students.astype(np.uint64) + np.uint64(seed + 1)) * np.uint64(0x9E3779B97F4A7C15)
        h ^= h >> np.uint64(29)
        h *= np.uint64(0xBF58476D1CE4E5B9)
        h ^= h >> np.uint64(32)
    pool = np.where(sex == 2, (h >> np.uint64(7)).astype(np.int64) % 2, np.minimum(sex, 1))
    first_pick = ((h >> np.uint64(11)) % np.uint64(len(STUDENT_FIRST[0]))).astype(np.int64)
    first = np.where(pool == 0, np.array(STUDENT_FIRST[0], dtype=object)[first_pick],
                     np.array(STUDENT_FIRST[1], dtype=object)[first_pick])
    last = np.array(LAST_NAMES, dtype=object)[((h >> np.uint64(23)) % np.uint64(len(LAST_NAMES))).astype(np.int64)]
    return first, last
