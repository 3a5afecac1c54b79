/**
 * Normalises what people type for a phone number: spaces, dashes, brackets
 * and a +86 / 0086 prefix go; full-width digits become ASCII.
 */
export function normalizePhone(raw: string): string {
  const ascii = raw.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
  let digits = ascii.replace(/[\s\-()（）+]/g, '');
  if (/^(0086|86)1\d{10}$/.test(digits)) digits = digits.replace(/^(0086|86)/, '');
  return digits;
}

/** A mainland mobile number or a landline with its area code. */
export function isValidPhone(normalized: string): boolean {
  return /^1[3-9]\d{9}$/.test(normalized) || /^0\d{2,3}\d{7,8}$/.test(normalized);
}
