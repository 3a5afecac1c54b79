import { describe, expect, it } from 'vitest';
import { splitMessages, splitText } from '../../../bots/src/dialog/split.ts';

describe('splitting long answers within a network limit', () => {
  it('leaves a short text whole', () => {
    expect(splitText('社保卡丢了怎么补办？', 4096)).toEqual(['社保卡丢了怎么补办？']);
  });

  it('cuts at line breaks, keeps every character, and no part is over the limit', () => {
    const lines = Array.from({ length: 40 }, (_, i) => `${i + 1}. 携带身份证原件到社保卡服务网点办理补卡手续，补卡期间可以申领电子社保卡。`);
    const text = lines.join('\n');
    const parts = splitText(text, 200);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect([...part].length).toBeLessThanOrEqual(200);
    // Cut where a line ends: every part starts with a numbered line.
    for (const part of parts) expect(part).toMatch(/^\d+\. /);
    expect(parts.join('\n')).toBe(text);
  });

  it('cuts after a sentence when a paragraph has no line break, and hard-cuts text without either', () => {
    const sentences = '热线受理后会转交负责的单位办理。'.repeat(30);
    const parts = splitText(sentences, 100);
    for (const part of parts.slice(0, -1)) expect(part.endsWith('。')).toBe(true);
    expect(parts.join('')).toBe(sentences);
    const solid = '字'.repeat(250);
    expect(splitText(solid, 100).map((p) => p.length)).toEqual([100, 100, 50]);
  });

  it('never cuts a character in two, and keeps the buttons on the last part', () => {
    const text = '𠮷'.repeat(15); // outside the BMP: two UTF-16 units each
    expect(splitText(text, 10).map((p) => [...p].length)).toEqual([10, 5]);
    const split = splitMessages([{ text: '甲'.repeat(25), buttons: [{ label: '解决了', reply: '解决了' }] }, { text: '乙' }], 10);
    expect(split.map((m) => m.text.length)).toEqual([10, 10, 5, 1]);
    expect(split.map((m) => m.buttons?.length ?? 0)).toEqual([0, 0, 1, 0]);
  });
});
