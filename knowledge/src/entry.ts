/** A knowledge entry as citizens are answered from it (the live, approved content). */
export interface KnowledgeEntry {
  id: string;
  question: string;
  alternates: string[];
  /** Markdown. */
  answer: string;
  categoryCode: string;
  subcategoryCode: string | null;
  unitId: string | null;
  keywords: string[];
  /** YYYY-MM-DD, inclusive; null = always. */
  effectiveFrom: string | null;
  /** YYYY-MM-DD, the first day it no longer applies; null = never. */
  expiresOn: string | null;
  version: number;
}
