"""Which outcomes a report leads with: the headline ranks a result file declares (Outcomes.def)."""
from __future__ import annotations

# Order used only for files written before outcomes carried a headline rank (e.g. the committed
# fixtures and fuzz corpus); newer files say themselves which outcomes are headlines.
LEGACY_HEADLINES = ["in_need_share", "severely_lonely_share", "mean_self_reliance", "no_active_tie_share",
                    "informal_hours", "team_mean_wait", "cost_total", "mkba_balance"]  # as older files named them


def headline_order(res) -> list[str]:
    """The file's headline outcomes in rank order, or the legacy order when the file declares none."""
    ranked = res.headline_outcomes() if hasattr(res, "headline_outcomes") else []
    return ranked or [o for o in LEGACY_HEADLINES if o in res.outcomes]


def pick_outcomes(available: list[str], n: int, varying: dict[str, bool] | None = None,
                  headlines: list[str] | None = None) -> list[str]:
    """Up to n outcomes: headline ones first (when present and varying), then the file's order."""
    order = LEGACY_HEADLINES if headlines is None else headlines
    ok = [o for o in available if varying is None or varying.get(o, True)]
    chosen = [o for o in order if o in ok][:n]
    for o in ok:
        if len(chosen) >= n:
            break
        if o not in chosen:
            chosen.append(o)
    return chosen
