import { createHash } from 'node:crypto';

// A client's side of the filing challenge (GET /api/pow/challenge), as the portal's script and a
// browser without scripts would answer it.

const NUMERALS = '零一二三四五六七八九';

/** The answer to "三加五等于几？". */
export function solveSum(question: string): string {
  const [a, b] = [...question.replace(/加|等于几？/g, '')].map((ch) => NUMERALS.indexOf(ch));
  return String(a! + b!);
}

export function leadingZeroBits(text: string): number {
  let bits = 0;
  for (const byte of createHash('sha256').update(text).digest()) {
    if (byte === 0) bits += 8;
    else return bits + Math.clz32(byte) - 24;
  }
  return bits;
}

export function solveWork(challenge: string, bits: number): string {
  for (let n = 0; ; n++) if (leadingZeroBits(`${challenge}:${n.toString(36)}`) >= bits) return n.toString(36);
}

/** Headers that pass the challenge of the server at `baseUrl`, answered by the sum. */
export async function powHeaders(baseUrl: string): Promise<Record<string, string>> {
  const res = await fetch(`${baseUrl}/api/pow/challenge`);
  const { challenge, question } = (await res.json()) as { challenge: string; question: string };
  return { 'pow-challenge': challenge, 'pow-answer': solveSum(question) };
}
