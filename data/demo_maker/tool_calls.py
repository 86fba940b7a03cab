"""Tool-call conversations without PII, all in ``sharegpt.jsonl`` (six more, with PII, are in ``texts/pii.json``).

Three are texts (``texts/tool_calls.json``); the mortgage one is built here so
its payments and interest are computed, not typed.
"""

from __future__ import annotations

from .math_problems import money
from .records import Rec, spec_messages
from .texts import load


def mortgage(principal: float, rate: float, years: int) -> tuple[float, float]:
    """Monthly payment and total interest of a fixed-rate loan."""
    r, n = rate / 100 / 12, years * 12
    pay = principal * r / (1 - (1 + r) ** -n)
    return round(pay, 2), round(pay * n - principal, 2)


def _mortgage_call() -> dict:
    m30, i30 = mortgage(320000, 6.5, 30)
    m15, i15 = mortgage(320000, 6.5, 15)
    return {"id": "tool_mortgage", "tools": ["calculate_mortgage"], "msgs": [
        ["user", "What would the monthly payment be on a $320,000 mortgage at 6.5% over 30 years, and how does that compare "
                 "with a 15-year term?"],
        ["call", {"name": "calculate_mortgage", "arguments": {"principal": 320000, "annual_rate": 6.5, "years": 30}}],
        ["tool", {"monthly_payment": m30, "total_interest": i30}],
        ["call", {"name": "calculate_mortgage", "arguments": {"principal": 320000, "annual_rate": 6.5, "years": 15}}],
        ["tool", {"monthly_payment": m15, "total_interest": i15}],
        ["assistant", f"On a $320,000 loan at 6.5%, a 30-year term costs about {money(m30)} a month, with roughly ${i30:,.0f} "
                      f"in total interest. A 15-year term raises the payment to about {money(m15)} a month but cuts total "
                      f"interest to roughly ${i15:,.0f}, saving about ${i30 - i15:,.0f} over the life of the loan. The shorter "
                      "term makes sense if the higher payment fits comfortably in your budget."]]}


def plant_tool_calls(secrets: dict[str, str]) -> list[Rec]:
    """The four conversations; ``system_key`` writes a conversation's system prompt in ShareGPT's ``system`` key."""
    return [Rec(spec["id"], "sharegpt.jsonl", spec_messages(spec["msgs"], secrets, spec.get("system")), kind="tool",
                category="tools", tools=spec["tools"], system_key=spec.get("system_key", False))
            for spec in load("tool_calls") + [_mortgage_call()]]
