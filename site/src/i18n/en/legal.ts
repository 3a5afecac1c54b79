import type { accessibility as AccessibilitySource, privacy as PrivacySource } from '../zh-CN/legal.ts';

export const privacy: typeof PrivacySource = {};
export const accessibility: typeof AccessibilitySource = {};
