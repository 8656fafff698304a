"""Doses from the protocol's dose rules, and the minimum interval between two doses."""

from datetime import date

from app.schedules.protocol import Protocol


class DoseIntervalError(ValueError):
    """A dose planned too soon after the previous one."""


def dose_for(protocol: Protocol, weight_kg: float | None, rule_id: str | None = None) -> float:
    """The dose in mg under `rule_id` (default: the sintilimab rule of the protocol).

    Weight-tiered rules (ORIENT-15: 3 mg/kg below 60 kg, else 200 mg) need `weight_kg`;
    the result is rounded to 0.1 mg, the precision a dose is recorded with.
    """
    rule = protocol.dose_rules.get(rule_id or default_dose_rule(protocol))
    if rule is None:
        raise ValueError(f"unknown dose rule {rule_id!r} in protocol {protocol.version}")
    if rule.type == "flat":
        return rule.dose_mg
    if weight_kg is None or weight_kg <= 0:
        raise ValueError(f"dose rule {rule.rule_id} needs the patient's weight in kg")
    if weight_kg < rule.threshold_kg:
        return round(rule.below_mg_per_kg * weight_kg, 1)
    return rule.dose_mg


def default_dose_rule(protocol: Protocol) -> str:
    """The dose rule of the protocol's sintilimab drug."""
    for drug in protocol.treatment.drugs:
        if drug.kind == "sintilimab" and drug.dose_rule:
            return drug.dose_rule
    raise ValueError(f"protocol {protocol.version} declares no sintilimab dose rule")


def check_dose_interval(previous_dose_date: date | None, new_date: date,
                        protocol: Protocol) -> None:
    """Raise DoseIntervalError when `new_date` comes sooner than the protocol's minimum
    interval after `previous_dose_date` (None: no previous dose, always fine)."""
    if previous_dose_date is None:
        return
    minimum = protocol.treatment.min_dose_interval_days
    gap = (new_date - previous_dose_date).days
    if gap < minimum:
        raise DoseIntervalError(
            f"a dose on {new_date.isoformat()} would come {gap} day(s) after the previous dose "
            f"on {previous_dose_date.isoformat()}; protocol {protocol.version} requires at "
            f"least {minimum} days"
        )
