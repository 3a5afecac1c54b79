/** 13812341234 → 138****1234; landlines keep their area code and last four digits. */
export function maskPhone(phone: string | null | undefined): string | null {
  if (!phone) return null;
  if (phone.length <= 7) return `${phone.slice(0, 1)}****${phone.slice(-2)}`;
  const head = phone.startsWith('0') ? phone.slice(0, phone.startsWith('01') || phone.startsWith('02') ? 3 : 4) : phone.slice(0, 3);
  return `${head}****${phone.slice(-4)}`;
}

/** 张三 → 张*, 欧阳修 → 欧**; Latin names keep their first letter. */
export function maskName(name: string | null | undefined): string | null {
  if (!name) return null;
  const chars = [...name.trim()];
  if (chars.length === 0) return null;
  return chars[0] + '*'.repeat(Math.max(1, chars.length - 1));
}

/** Keeps the street-level part of an address and hides house and room numbers. */
export function maskAddress(address: string | null | undefined): string | null {
  if (!address) return null;
  return address.replace(/\d+/g, (digits) => '*'.repeat(Math.min(digits.length, 4)));
}
