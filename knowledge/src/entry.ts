import type { KbContent } from '@hotline/db';

/** A knowledge entry as citizens are answered from it: the live, approved content. */
export interface KnowledgeEntry extends KbContent {
  id: string;
  version: number;
}
