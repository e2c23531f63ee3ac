"""The seed articles' own remedies, weighed (science.md §4b, issue 13): active recovery,
massage and foam rolling, stretching and yoga, warm-up and cool-down, compression and cold
water, electrolyte foods, sleep hygiene, shoes for foot type, "listen to your body".

Each is offered where it fits (a finding's fixes, or next to a plan item), with what the
evidence says in plain words, and says so plainly where the articles overstate. They are
training advice: they ride on a finding's ``fix`` and on plan items, which
explain/withhold.py strips while a tier 0-1 red flag is active, so none appears then.
Pure: no files, no clock."""

from __future__ import annotations

from dataclasses import replace

from heavylegs.causes.base import Finding
from heavylegs.explain.plan import PlanItem

TOPIC = "recovery"  # the plan items added here (not in withhold.TOPICS: dropped under a tier 0-1 flag)

# key -> the sentence a runner reads (science.md §4b: evidence and how to phrase it).
REMEDY: dict[str, str] = {
    "rolling": ("Massage, foam rolling, compression tights or a cold-water soak after a damaging session may make "
                "sore legs feel a little better (small effects across dozens of studies); they do not speed the "
                "repair much."),
    "stretching": ("Stretch or do yoga if you enjoy it, but it will not make the soreness pass faster: a Cochrane "
                   "review found no real effect, whatever the articles say."),
    "sleep-hygiene": ("A dark, quiet, cool bedroom, dim screens in the evening and the same wake-up time every day "
                      "(the standard sleep-hygiene advice)."),
    "electrolyte-foods": ("Bananas, oranges and spinach supply potassium and magnesium, but sweat loses mostly "
                          "sodium, which they hardly contain: on long or hot runs take salty food or a sports drink."),
    "shoes": ("Pick the shoe that feels comfortable, not one matched to your arch or 'foot type': shoes chosen by "
              "foot type did not prevent injuries in three large trials. Replace it around 500-800 km."),
    "active-recovery": ("On rest days an easy 20-30 min walk, spin or swim eases soreness a little (modest evidence; "
                        "full rest is fine too)."),
    "listen": ("'Listen to your body' holds up: keep logging how your legs feel."),
    "warm-up": ("Warm up 5-10 min easy (strides before hard days); a cool-down won't prevent next-day heavy legs."),
}

# Which finding's fixes each remedy joins.
FOR_CAUSE: dict[str, tuple[str, ...]] = {
    "muscle-damage": ("rolling", "stretching"),
    "sleep-deprivation": ("sleep-hygiene",),
    "electrolyte-imbalance": ("electrolyte-foods",),
    "worn-shoes": ("shoes",),
}


def with_remedies(findings: tuple[Finding, ...] | list[Finding]) -> tuple[Finding, ...]:
    """``findings`` with the remedies that fit each one added after its own fixes."""
    return tuple(replace(f, fix=(*f.fix, *(REMEDY[k] for k in FOR_CAUSE.get(f.cause, ()))))
                 if f.cause in FOR_CAUSE else f for f in findings)


def plan_items(items: list[PlanItem]) -> list[PlanItem]:
    """Remedies that go with the plan: active recovery and "listen to your body" next to
    rest days, warm-up and cool-down next to hard sessions. Empty without a week's plan."""
    topics = {p.topic for p in items}
    out = []
    if "rest" in topics:
        out.append(PlanItem(TOPIC, REMEDY["active-recovery"] + " " + REMEDY["listen"]))
    if "intensity" in topics:
        out.append(PlanItem(TOPIC, REMEDY["warm-up"]))
    return out
