/**
 * Who sees 单位考核 and 报告 in the navigation (the API checks), and how their
 * pages show a rate. Their API calls are DashboardApi's (staff-dashboard.ts).
 */
export type { Report, ScorecardView } from './staff-dashboard.ts';

/** Who the navigation shows 单位考核 to; the API checks. */
export const SCORECARD_ROLES = ['supervisor', 'dispatcher', 'admin', 'unit_handler'];
/** Who the navigation shows 报告 to; the API checks. */
export const REPORT_ROLES = ['supervisor', 'admin'];

/** A rate for a table cell: 95.2%, or — when nothing was counted. */
export const pct = (r: { rate: number | null }) => (r.rate === null ? '—' : `${(r.rate * 100).toFixed(1)}%`);
