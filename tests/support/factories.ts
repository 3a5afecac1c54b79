/** A mobile number of its own for each filing (filings are limited per phone number). */
export function phoneNumber(): string {
  return `139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
}

/** A valid citizen filing; override what the test is about. */
export function ticketBody(overrides: Record<string, unknown> = {}) {
  return {
    type: 'complaint',
    category: 'utilities.water_outage',
    title: '小区停水',
    description: '和平路 12 号小区从昨晚开始停水，至今没有来水，也没有看到停水通知。',
    location: { district: 'dongcheng', street: 'dongcheng_heping', address: '和平路 12 号 3 栋 2 单元' },
    contact: { name: '张三', phone: phoneNumber() },
    channel: 'web',
    ...overrides,
  };
}

/** 1×1 PNG. */
export const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
