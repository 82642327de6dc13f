"""The period reports stream (báo cáo kỳ): the narrative a leader drafts for
a period's report, and its issue with the hash of the figures it carried."""

from events.reports.aggregate import NARRATIVE, PeriodReport

__all__ = ["NARRATIVE", "PeriodReport"]
