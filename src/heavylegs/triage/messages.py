"""What each triage rule says: what to do and how fast, the reason in one line, and what
to tell the clinician (science.md §3, "suggested copy rules"). No reassurance, no
diagnosis, never "just DOMS"."""

from __future__ import annotations

CALL = "Call emergency services or go to the emergency department now."

MESSAGES: dict[str, str] = {
    "cardiac-symptoms": f"{CALL} Chest pain, fainting or breathlessness out of proportion around exercise can be a heart problem. Do not run.",
    "breathless-after-leg-swelling": f"{CALL} Breathlessness or chest pain after a swollen or painful leg can be a clot that has moved to the lungs.",
    "acute-compartment": f"{CALL} Severe leg pain that does not ease at rest, with numbness, weakness or swelling, can be acute compartment syndrome, which threatens the limb.",
    "dark-urine-with-muscle-pain": f"{CALL} Dark (tea or cola coloured) urine with severe muscle pain or weakness after exertion can be rhabdomyolysis, which can harm the kidneys. Do not keep drinking large amounts while you wait.",
    "confusion": f"{CALL} Confusion during or after a long run can be low blood sodium or heat illness.",
    "saddle-numbness": f"{CALL} Numbness in the groin or saddle area with leg symptoms can be pressure on the spinal nerves (cauda equina).",
    "cold-pale-leg": f"{CALL} A suddenly cold, pale, painful or numb leg can mean its blood supply is blocked.",
    "one-sided-calf-swelling": "Please see a doctor today (within hours; urgent care or the emergency department if none is available) and do not run until you have been seen. A swollen, painful, warm or red calf on one side can be a blood clot (DVT), even after a hard or downhill run. If you become short of breath or have chest pain, call emergency services now.",
    "sudden-heaviness": "Please see a doctor today and do not run. Heaviness or weakness that came on suddenly after little effort needs checking (muscle breakdown, electrolytes, heart or nerves). Dark urine, confusion or chest symptoms: call emergency services.",
    "numbness-with-weakness": "Please see a doctor today and do not run. Numbness or tingling with weakness or a dropping foot points to a nerve or compartment problem that needs examining soon.",
    "fever-or-illness": "Stop training and see a doctor if you are not better within a day or feel worse. Running with a fever or whole-body illness risks inflammation of the heart muscle.",
    "bone-pain": "Stop running now and get seen within a few days. Focal bone pain, especially at rest, at night or when hopping, can be a stress fracture.",
    "persisting-despite-rest": "Book a doctor or physiotherapist within 1-2 weeks and keep the load reduced. Heaviness or pain that persists or worsens despite resting is not explained by training alone; ask about blood tests (blood count, ferritin, thyroid, B12/folate, vitamin D).",
    "exertional-leg-pain": "Book a doctor or sports physician within 1-2 weeks. Leg pain or tightness that comes on at a similar time or distance in every run and eases with rest can be a compartment, artery or nerve problem.",
    "swelling-or-numbness": "Book a doctor within 1-2 weeks and reduce running meanwhile. Swelling of both legs, numbness or tingling should be examined.",
    "missed-periods": "Book a doctor within 1-2 weeks. Missed periods for three months or more can mean too little energy for your training (REDs) and affect bone health.",
    "daily-life-impact": "Book a doctor or physiotherapist within 1-2 weeks. Leg symptoms that affect stairs, walking, work or sleep need a professional look.",
    "varicose-veins-with-swelling": "Book a doctor within 1-2 weeks. Varicose veins with swelling of both ankles can mean the veins are not returning blood well.",
    "varicose-veins": "Mention your varicose veins at your next check-up; compression and a vein assessment may help heavy legs.",
    "gait-asymmetry": "Consider a physiotherapist or running-gait assessment when convenient: your left and right legs share the work unevenly, without pain so far.",
    "lab-screen-b12": "Ask for a vitamin B12 test at your next check-up: a vegan diet without supplements can run low over months.",
}

TELL: dict[str, tuple[str, ...]] = {
    "one-sided-calf-swelling": ("Tell the doctor about recent long runs or races, travel over 4 h, surgery, injury or a cast, hormonal contraception or HRT, and any previous clot.",),
    "breathless-after-leg-swelling": ("Tell them about the leg symptoms and when they started.",),
    "dark-urine-with-muscle-pain": ("Tell them about the session before it (length, downhill, heat) and how much you drank.",),
    "persisting-despite-rest": ("Bring your training log: heavylegs report --html gives a summary.",),
}
