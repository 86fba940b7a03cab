"""Math word problems whose answers are computed, so the numbers in every worked solution are right.

The templates draw their numbers from the build's seeded generator; the order of
the draws is part of the output.
"""

from __future__ import annotations

import random
from fractions import Fraction


def money(x: float) -> str:
    return f"${x:,.2f}"


def num(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}".rstrip("0").rstrip(".")


def math_items(rng: random.Random) -> list[tuple[str, str, str, str]]:
    """Forty problems as (key, topic, prompt, answer), four of each of ten kinds, with alternating wordings."""
    out: list[tuple[str, str, str, str]] = []

    # M1: bulk purchase
    things = [("markers", "art rooms", "box"), ("notebooks", "new students", "carton"),
              ("tennis balls", "sports club", "tube"), ("glue sticks", "craft fair", "pack")]
    for i, (item, who, unit) in enumerate(things):
        n, per, price = rng.choice([6, 8, 12, 15, 18]), rng.choice([3, 10, 12, 24, 30]), rng.choice([3.5, 4.25, 7.8, 9.99, 12.4])
        total, cost = n * per, round(n * price, 2)
        if i % 2 == 0:
            q = f"A school orders {n} {unit}es of {item} for its {who}. Each {unit} contains {per} {item} and costs {money(price)}. How many {item} does the school get, and what is the total cost?" if unit == "box" else \
                f"A school orders {n} {unit}s of {item} for its {who}. Each {unit} contains {per} {item} and costs {money(price)}. How many {item} does the school get, and what is the total cost?"
            a = f"Number of {item}: {n} × {per} = {total}.\nTotal cost: {n} × {money(price)} = {money(cost)}.\nSo the school receives {total} {item} for {money(cost)}."
        else:
            q = f"For the {who}, an organiser buys {n} {unit}s of {item} at {money(price)} per {unit}, with {per} {item} in every {unit}. What is the total number of {item}, and what is the bill?"
            a = f"Multiply the {unit}s by the {item} per {unit}: {n} × {per} = {total} {item}. Multiply the {unit}s by the price: {n} × {money(price)} = {money(cost)}. The organiser gets {total} {item} and pays {money(cost)}."
        out.append((f"math_bulk_{i}", "math", q, a))

    # M2: travel time
    trips = [("train", [80, 96, 120]), ("ferry", [24, 30, 36]), ("coach", [60, 72, 84]), ("cyclist", [16, 18, 20])]
    for i, (vehicle, speeds) in enumerate(trips):
        v = rng.choice(speeds)
        t = rng.choice([1.5, 2.25, 2.75, 3.5])
        d = v * t
        h, m = rng.choice([6, 7, 8, 9, 13, 14]), rng.choice([0, 10, 15, 40, 45])
        minutes = h * 60 + m + int(t * 60)
        ah, am = divmod(minutes, 60)
        tt = f"{int(t)} h {int(round((t - int(t)) * 60))} min"
        if i % 2 == 0:
            q = f"A {vehicle} departs at {h}:{m:02d} and covers {num(d)} km at an average speed of {v} km/h. At what time does it arrive?"
            a = f"Travel time = distance ÷ speed = {num(d)} ÷ {v} = {num(t)} hours, which is {tt}. Departing at {h}:{m:02d}, the {vehicle} arrives at {ah}:{am:02d}."
        else:
            q = f"If a {vehicle} averages {v} km/h on a {num(d)} km journey that starts at {h}:{m:02d}, when will it get there?"
            a = f"Time needed: {num(d)} km ÷ {v} km/h = {num(t)} h ({tt}). Adding {tt} to {h}:{m:02d} gives an arrival time of {ah}:{am:02d}."
        out.append((f"math_travel_{i}", "math", q, a))

    # M3: discount then sales tax
    goods = ["jacket", "blender", "pair of hiking boots", "desk lamp"]
    for i, good in enumerate(goods):
        p, d, t = rng.choice([45, 64, 80, 120, 150]), rng.choice([15, 20, 25, 30]), rng.choice([5, 6, 7.5, 8])
        disc = round(p * d / 100, 2)
        sale = round(p - disc, 2)
        tax = round(sale * t / 100, 2)
        final = round(sale + tax, 2)
        q = (f"A {good} is priced at {money(p)}. It is on sale for {d}% off, and {num(t)}% sales tax is added to the sale price. What is the final price?"
             if i % 2 == 0 else
             f"During a sale, a {good} that normally costs {money(p)} is marked down by {d}%. Tax of {num(t)}% is then charged on the reduced price. How much does a shopper pay at the till?")
        a = f"Discount: {d}% of {money(p)} = {money(disc)}.\nSale price: {money(p)} − {money(disc)} = {money(sale)}.\nTax: {num(t)}% of {money(sale)} = {money(tax)}.\nFinal price: {money(sale)} + {money(tax)} = {money(final)}."
        out.append((f"math_discount_{i}", "math", q, a))

    # M4: compound interest
    for i in range(4):
        P, r, n = rng.choice([1500, 2000, 5000, 12000]), rng.choice([3, 4, 4.5, 5]), rng.choice([3, 5, 8, 10])
        factor = (1 + r / 100) ** n
        A_, I_ = P * factor, P * factor - P
        g = f"{1 + r / 100:g}"
        q, a = [
            (f"If you deposit {money(P)} in a savings account that pays {num(r)}% interest compounded annually, how much will be in the account after {n} years?",
             f"Use A = P(1 + r)^n. Here A = {num(P)} × (1 + {r / 100:g})^{n} = {num(P)} × {factor:.4f} ≈ {money(A_)}. The interest earned is about {money(I_)}."),
            (f"An investment of {money(P)} grows at {num(r)}% per year, compounded once a year. What is it worth after {n} years, and how much of that is interest?",
             f"Each year the balance is multiplied by {g}. After {n} years it has grown by a factor of {factor:.4f}, so it is worth about {money(A_)}, and roughly {money(I_)} of that is interest."),
            (f"A bond bought for {money(P)} pays {num(r)}% a year, and the interest is reinvested annually. What will the holding be worth in {n} years?",
             f"Reinvesting means compounding: value = price × {g} raised to the power {n}, i.e. {num(P)} × {factor:.4f}, which comes to about {money(A_)}. That is {money(I_)} more than was paid."),
            (f"A college fund starts with {money(P)} and earns {num(r)}% a year, compounded annually, with no further deposits. What is the balance after {n} years?",
             f"Growth per year is {num(r)}%, so over {n} years the fund multiplies by ({g})^{n} ≈ {factor:.4f}. Balance: about {money(A_)}, of which {money(I_)} is interest."),
        ][i]
        out.append((f"math_compound_{i}", "math", q, a))

    # M5: path around a rectangle
    for i in range(4):
        l, w, p = rng.choice([12, 15, 18, 20, 24]), rng.choice([6, 8, 9, 10]), rng.choice([1, 1.5, 2])
        L, W = l + 2 * p, w + 2 * p
        outer, inner = L * W, l * w
        q = (f"A rectangular garden measures {l} m by {w} m. A gravel path {num(p)} m wide runs all the way around the outside. What is the area of the path?"
             if i % 2 == 0 else
             f"A pool that is {l} m long and {w} m wide is surrounded by a tiled border {num(p)} m wide. How many square metres of tiles are needed for the border?")
        a = f"Outer rectangle: ({l} + 2 × {num(p)}) × ({w} + 2 × {num(p)}) = {num(L)} × {num(W)} = {num(outer)} m².\nInner area: {l} × {w} = {inner} m².\nBorder area: {num(outer)} − {inner} = {num(outer - inner)} m²."
        out.append((f"math_path_{i}", "math", q, a))

    # M6: combined work rate
    jobs = [("One pipe can fill a tank in {a} hours and a second pipe can fill it in {b} hours. How long does it take to fill the tank with both pipes open?", "tank"),
            ("One painter can paint a fence in {a} hours; a second painter needs {b} hours for the same fence. Working together, how long will they take?", "fence"),
            ("Printer A prints a batch of flyers in {a} hours and printer B prints the same batch in {b} hours. If both run at once, how long does the batch take?", "batch"),
            ("A large pump empties a flooded basement in {a} hours and a small pump does it in {b} hours. How long if both pumps run together?", "basement")]
    for i, (template, thing) in enumerate(jobs):
        a_, b_ = rng.choice([(3, 6), (4, 12), (5, 20), (6, 10), (2, 3)])
        rate = Fraction(1, a_) + Fraction(1, b_)
        time = 1 / rate
        hours = float(time)
        hh, mm = int(hours), int(round((hours - int(hours)) * 60))
        q = template.format(a=a_, b=b_)
        a = f"Add the rates: 1/{a_} + 1/{b_} = {rate.numerator}/{rate.denominator} of the {thing} per hour. Time = 1 ÷ {rate.numerator}/{rate.denominator} = {time.numerator}/{time.denominator} hours ≈ {hours:.2f} hours, or about {hh} h {mm} min."
        out.append((f"math_rate_{i}", "math", q, a))

    # M7: ratios
    mixes = [("A cake recipe uses flour and sugar in the ratio {a}:{b}. If you use {f} g of flour, how much sugar do you need?", "flour", "sugar", "g"),
             ("A mortar mix uses cement and sand in the ratio {a}:{b}. How much sand goes with {f} kg of cement?", "cement", "sand", "kg"),
             ("To get a particular shade, blue and white paint are mixed in the ratio {a}:{b}. How much white paint is needed for {f} ml of blue?", "blue paint", "white paint", "ml"),
             ("A squash drink is made with concentrate and water in the ratio {a}:{b}. How much water do you add to {f} ml of concentrate?", "concentrate", "water", "ml")]
    for i, (template, x, y, unit) in enumerate(mixes):
        a_, b_ = rng.choice([(2, 1), (3, 2), (1, 4), (2, 5), (3, 1)])
        f = a_ * rng.choice([40, 50, 60, 75, 90])
        s = f * b_ // a_
        q = template.format(a=a_, b=b_, f=f)
        a = f"For every {a_} parts of {x} you need {b_} parts of {y}. {y[0].upper() + y[1:]} = {f} × {b_}/{a_} = {s} {unit}."
        out.append((f"math_ratio_{i}", "math", q, a))

    # M8: score needed for an average
    for i in range(4):
        s1, s2, s3 = rng.choice([68, 72, 75, 81]), rng.choice([77, 84, 88, 90]), rng.choice([70, 79, 83, 92])
        cur = s1 + s2 + s3
        target = rng.choice([t for t in (75, 78, 80, 82, 85) if 0 <= 4 * t - cur <= 100])
        need, total = 4 * target - cur, 4 * target
        q, a = [
            (f"A student scored {s1}, {s2} and {s3} on the first three tests. What score is needed on the fourth test to average {target}?",
             f"An average of {target} over four tests needs a total of 4 × {target} = {total}. The first three add up to {s1} + {s2} + {s3} = {cur}. So the fourth score must be {total} − {cur} = {need}."),
            (f"After three quizzes with marks of {s1}, {s2} and {s3}, what must the fourth quiz mark be for the average of all four to reach {target}?",
             f"Required total: {total}. Marks so far: {cur}. Fourth quiz: {total} − {cur} = {need}."),
            (f"A salesperson closed {s1}, {s2} and {s3} deals in the first three months of the year. How many deals are needed in month four to average {target} a month?",
             f"Four months at {target} deals each is {total} deals. Months one to three brought in {cur}, so month four needs {need}."),
            (f"A gymnastics team scored {s1}, {s2} and {s3} points at its first three meets. What does it need at the fourth meet to average {target} points?",
             f"To average {target} across four meets the team needs {total} points overall. It already has {cur}, leaving {need} for the last meet."),
        ][i]
        out.append((f"math_average_{i}", "math", q, a))

    # M9: unit price comparison
    products = ["coffee beans", "basmati rice", "breakfast cereal", "dried pasta"]
    for i, product in enumerate(products):
        x, y = rng.choice([250, 400, 500]), rng.choice([750, 1000, 1200])
        p1, p2 = rng.choice([3.2, 4.5, 5.75]), rng.choice([8.4, 10.5, 12.9])
        u1, u2 = p1 / x * 100, p2 / y * 100
        best, diff = (f"the {x} g pack", u2 - u1) if u1 < u2 else (f"the {y} g pack", u1 - u2)
        q, a = [
            (f"Brand A sells {x} g of {product} for {money(p1)}, and Brand B sells {y} g for {money(p2)}. Which is the better deal per 100 g?",
             f"Brand A: {money(p1)} ÷ {x} × 100 = {money(u1)} per 100 g.\nBrand B: {money(p2)} ÷ {y} × 100 = {money(u2)} per 100 g.\nBrand {'A' if u1 < u2 else 'B'} is cheaper by about {money(diff)} per 100 g."),
            (f"At the supermarket, a {x} g bag of {product} costs {money(p1)} and a {y} g bag costs {money(p2)}. Which bag gives better value?",
             f"Per 100 g the small bag costs {money(u1)} and the large one {money(u2)}, so {best} is better value by {money(diff)} per 100 g."),
            (f"Which is cheaper per 100 g: {product} at {money(p1)} for {x} g, or at {money(p2)} for {y} g?",
             f"Divide each price by the number of 100 g portions: {money(p1)} ÷ {x / 100:g} = {money(u1)}, and {money(p2)} ÷ {y / 100:g} = {money(u2)}. The cheaper option is {best}, saving {money(diff)} per 100 g."),
            (f"A shop stocks {product} in two sizes: {x} g for {money(p1)} and {y} g for {money(p2)}. Which size is the better buy?",
             f"Work out a common unit. The {x} g size comes to {money(u1)} per 100 g and the {y} g size to {money(u2)} per 100 g, so {best} wins by {money(diff)} per 100 g."),
        ][i]
        out.append((f"math_unitprice_{i}", "math", q, a))

    # M10: percentage change
    changes = [("A town's population grew from {a} to {b} over five years. What was the percentage increase?", "increase"),
               ("A website had {a} monthly visitors last year and {b} this year. By what percentage did traffic grow?", "increase"),
               ("A used car bought for {a} dollars was sold two years later for {b} dollars. What was the percentage loss?", "decrease"),
               ("A library's collection shrank from {a} books to {b} after a flood. What percentage of the books was lost?", "decrease")]
    for i, (template, kind) in enumerate(changes):
        a_ = rng.choice([8400, 12500, 16000, 24000])
        pct = rng.choice([6, 12.5, 15, 20, 35])
        b_ = int(a_ * (1 + pct / 100)) if kind == "increase" else int(a_ * (1 - pct / 100))
        delta = abs(b_ - a_)
        q = template.format(a=f"{a_:,}", b=f"{b_:,}")
        a = f"Change = {b_:,} − {a_:,} = {b_ - a_:,}. Percentage {kind} = {delta:,} ÷ {a_:,} × 100 = {num(delta / a_ * 100)}%."
        out.append((f"math_pct_{i}", "math", q, a))
    return out
