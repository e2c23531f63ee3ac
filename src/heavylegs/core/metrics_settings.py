"""The named thresholds of the per-activity metrics (``core/metrics.py``).

Each is a ``Setting`` with a default, a unit and its source, registered once, so a runner
or coach can see and change it; ``compute(..., overrides={name: value})`` applies changes.

>>> PAUSE_GAP.value({}), STEEP_GRADE.value({"steep_descent_grade_pct": -8.0})
(30.0, -8.0)
"""

from __future__ import annotations

from heavylegs.core.settings import Setting, register

_SAMPLING = "sampling convention shared with core/summary.py and core/load.py"

PAUSE_GAP, MOVING_SPEED, MIN_DATA = register(
    Setting("pause_gap_s", 30.0, "s", _SAMPLING,
            "a gap between samples longer than this is a pause: not moving, not counted"),
    Setting("moving_speed_mps", 0.5, "m/s", _SAMPLING,
            "slower than this counts as stopped (core/summary.py MOVING_SPEED_MPS)"),
    Setting("metrics_min_data_s", 60.0, "s", "[heuristic]",
            "with less recorded time than this only totals are computed"),
)

HR_MIN, HR_MAX, HR_JUMP, HR_JUMP_SAMPLES, HR_PEAK_WINDOW = register(
    Setting("hr_artefact_below_bpm", 30.0, "bpm", "science.md §1.1 (artefact filtering)",
            "heart-rate readings below this are sensor artefacts"),
    Setting("hr_artefact_above_bpm", 230.0, "bpm", "science.md §1.1 (artefact filtering)",
            "heart-rate readings above this are sensor artefacts"),
    Setting("hr_artefact_jump_bpm", 30.0, "bpm", "science.md §1.1 [heuristic]",
            "a reading this far from its neighbours' median is a spike, not a heart rate"),
    Setting("hr_artefact_window_samples", 5.0, "samples", "[heuristic]",
            "neighbourhood (centred) whose median a reading is compared with"),
    Setting("hr_peak_window_s", 5.0, "s", "science.md §1.1 (5-s smoothed HR for HRmax)",
            "rolling window of the peak heart rate"),
)

EDWARDS_EDGES = register(
    *(Setting(f"hr_z{i}_from_pct", edge, "% HRmax", "Edwards 1993 (science.md §1.2)",
              f"lower edge of Edwards heart-rate zone {i}")
      for i, edge in enumerate((50.0, 60.0, 70.0, 80.0, 90.0), start=1))
)

SEILER_MODERATE, SEILER_HARD, PACE_EASY, PACE_HARD = register(
    Setting("hr_moderate_from_pct", 82.0, "% HRmax", "Seiler 3-zone (science.md §1.2)",
            "easy below, moderate from this (≈ VT1) [heuristic without lab thresholds]"),
    Setting("hr_hard_above_pct", 87.0, "% HRmax", "Seiler 3-zone (science.md §1.2)",
            "hard above this (≈ VT2) [heuristic without lab thresholds]"),
    Setting("pace_easy_slower_pct", 114.0, "% threshold pace", "Friel (science.md §1.2)",
            "easy when the pace (time per km) is slower than this share of threshold pace"),
    Setting("pace_hard_faster_pct", 100.0, "% threshold pace", "Friel (science.md §1.2)",
            "hard when the pace is faster than this share of threshold pace"),
)

STEEP_GRADE, STEEP_MIN, GRID, GRADE_WINDOW, GRADE_LIMIT = register(
    Setting("steep_descent_grade_pct", -10.0, "%", "science.md C03 [heuristic; C03 uses −8 %]",
            "descent steeper than this is eccentric (muscle-damaging) load"),
    Setting("steep_descent_min_m", 50.0, "m", "science.md C03 [heuristic]",
            "the grade is measured over this much distance"),
    Setting("grade_grid_m", 10.0, "m", "[heuristic]",
            "altitude is resampled on a distance grid of this step before grades are taken"),
    Setting("grade_window_m", 50.0, "m", "[heuristic]",
            "distance over which the grade for grade-adjusted speed is measured"),
    Setting("minetti_grade_limit_pct", 45.0, "%", "Minetti et al. 2002 (measured −45..+45 %)",
            "grades are clipped to this range before the cost polynomial is applied"),
)

ROLLING, NGS_EXPONENT, HALVES_MIN, HALVES_COVERAGE, STEADY_CV = register(
    Setting("rolling_window_s", 30.0, "s", "Coggan NP / TrainingPeaks NGP (science.md §1.3)",
            "rolling mean before normalising speed, judging steadiness, fitting cadence"),
    Setting("ngs_exponent", 4.0, "power", "Coggan NP, as TrainingPeaks NGP [heuristic for running]",
            "exponent of the normalised graded speed"),
    Setting("halves_min_moving_s", 1200.0, "s", "science.md §1.10 (steady runs ≥ 20 min)",
            "shortest run for first-half/second-half comparisons"),
    Setting("halves_min_hr_coverage_pct", 80.0, "%", "[heuristic]",
            "share of moving time with heart rate needed for EF, decoupling and HR drift"),
    Setting("steady_max_cv_pct", 10.0, "%", "[heuristic]",
            "a run is steady when its 30-s graded speed varies less than this (CV)"),
)

DRIFT_BIN, DRIFT_MIN_BIN, DRIFT_MIN_MATCHED = register(
    Setting("hr_drift_speed_bin_mps", 0.1, "m/s", "[heuristic]",
            "speeds within one bin are 'similar' when comparing heart rate between halves"),
    Setting("hr_drift_min_bin_s", 60.0, "s", "[heuristic]",
            "a speed bin counts when each half spent at least this long in it"),
    Setting("hr_drift_min_matched_s", 300.0, "s", "[heuristic]",
            "least time at matched speeds for an HR drift"),
)

SLOPE_MIN_SD, SLOPE_MIN_CADENCE, FORM_DRIFT_MIN = register(
    Setting("cadence_slope_min_speed_sd_mps", 0.15, "m/s", "[heuristic]",
            "the cadence-speed slope needs at least this spread of (30-s) speeds"),
    Setting("running_min_cadence_spm", 140.0, "steps/min",
            "[heuristic] walking is ~100-130 spm; science.md C16 gauges start at 153",
            "in a run, slower steps are walking and stay out of the cadence-speed slope"),
    Setting("form_drift_min_s", 60.0, "s", "[heuristic]",
            "each third of the run needs this much of a channel for its form drift"),
)
