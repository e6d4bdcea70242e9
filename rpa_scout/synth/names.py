"""Synthetic Finnish staff names ("Aino Virtanen"): common first names and surnames.

The names are combinations of frequent Finnish names and stand for no real person.
"""

from __future__ import annotations

import numpy as np

FIRST_NAMES = (
    "Aino", "Anu", "Eeva", "Elina", "Hanna", "Heidi", "Helmi", "Johanna", "Kaisa", "Katja",
    "Laura", "Leena", "Liisa", "Maria", "Marja", "Minna", "Noora", "Outi", "Päivi", "Riikka",
    "Sanna", "Satu", "Tiina", "Tuula", "Antti", "Eero", "Harri", "Heikki", "Janne", "Jari",
    "Juha", "Juho", "Jukka", "Kari", "Markku", "Matti", "Mikko", "Olli", "Pekka", "Petri",
    "Sami", "Tapio", "Timo", "Ville",
)
SURNAMES = (
    "Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Mäkelä", "Hämäläinen", "Laine",
    "Heikkinen", "Koskinen", "Järvinen", "Lehtonen", "Lehtinen", "Saarinen", "Salminen",
    "Heinonen", "Niemi", "Heikkilä", "Kinnunen", "Salonen", "Turunen", "Salo", "Laitinen",
    "Tuominen", "Rantanen", "Karjalainen", "Jokinen", "Mattila", "Savolainen", "Lahtinen",
    "Ahonen",
)


def staff_names(rng: np.random.Generator, count: int) -> list[str]:
    """``count`` distinct "First Last" names in a random order.

    Beyond the 1,320 combinations, names repeat with a number ("Aino Virtanen 2").
    """
    total = len(FIRST_NAMES) * len(SURNAMES)
    names = []
    for round_ in range(-(-count // total)):
        size = min(total, count - round_ * total)
        suffix = f" {round_ + 1}" if round_ else ""
        for i in rng.choice(total, size=size, replace=False):
            names.append(f"{FIRST_NAMES[i // len(SURNAMES)]} {SURNAMES[i % len(SURNAMES)]}{suffix}")
    return names
