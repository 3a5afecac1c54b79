import { createChatModel } from '@hotline/knowledge';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../support/fake-openai.ts';
import { client, createHarness, type Harness } from '../support/harness.ts';

let h: Harness;
let api: ReturnType<typeof client>;
let llm: FakeOpenAI;

beforeAll(async () => {
  llm = await new FakeOpenAI().start();
  h = await createHarness({ knowledge: 'content', llm: createChatModel({ baseUrl: llm.url, apiKey: 'test-key', model: 'fake-model', timeoutMs: 5_000 }) });
  api = client(h);
});
afterAll(async () => {
  await h.close();
  await llm.stop();
});
beforeEach(() => {
  llm.calls.length = 0;
});

const systemPrompt = () => String(llm.calls[0]!.body.messages!.find((m) => m.role === 'system')!.content);

describe('the answer chain with a language model', () => {
  it('may reword the answer strictly from the retrieved entries, citing them', async () => {
    llm.reply('先问问邻居是否也停水；再拨打 12345 说明地址，热线会转供水企业处理 [F001]。');
    const res = await api.post('/api/answer', { question: '家里停水了咋整', channel: 'web' });
    expect(res.json).toMatchObject({ mode: 'llm', confident: true, sources: [{ id: 'F001' }] });
    expect(res.json.answer).toBe('先问问邻居是否也停水；再拨打 12345 说明地址，热线会转供水企业处理 [F001]。');
    // The model saw the retrieved entries and the question, nothing else.
    expect(llm.calls).toHaveLength(1);
    expect(llm.calls[0]!.body.model).toBe('fake-model');
    expect(systemPrompt()).toContain('[F001] 问：家里突然停水了怎么办？');
    expect(systemPrompt()).toContain('不得添加条目中没有的信息');
    expect(llm.calls[0]!.body.messages!.at(-1)).toMatchObject({ role: 'user', content: '家里停水了咋整' });
  });

  it('falls back to the entry itself when the rewording adds a number, cites nothing or gives up', async () => {
    for (const reply of ['请拨打供水热线 96116 报修 [F001]。', '请联系自来水公司处理。', 'NO_ANSWER']) {
      llm.reply(reply);
      const res = await api.post('/api/answer', { question: '家里停水了咋整', channel: 'web' });
      expect(res.json.mode).toBe('extractive');
      expect(res.json.answer).not.toContain('96116');
      expect(res.json.sources).toEqual([{ id: 'F001', question: '家里突然停水了怎么办？' }]);
    }
  });

  it('answers from the entry when the model endpoint fails', async () => {
    llm.reply({ status: 500, body: '{"error":{"message":"upstream down"}}' });
    llm.reply({ status: 500, body: '{"error":{"message":"upstream down"}}' });
    const res = await api.post('/api/answer', { question: '家里停水了咋整', channel: 'web' });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ mode: 'extractive', confident: true });
  });

  it('never asks the model when there is nothing confident to reword', async () => {
    const res = await api.post('/api/answer', { question: '你们那边今天天气怎么样', channel: 'web' });
    expect(res.json.confident).toBe(false);
    expect(llm.calls).toHaveLength(0);
  });
});

describe('the intake chain with a language model', () => {
  const draft = (text: string) => api.post('/api/intake/draft', { text, channel: 'wechat' });

  it('takes the structured draft when it checks out', async () => {
    llm.reply(
      JSON.stringify({ type: 'complaint', category: 'environment.cooking_fumes', urgency: 'normal', title: '楼下烧烤店油烟扰民', district: 'dongcheng', street: 'dongcheng_heping', address: '幸福路8号', emergency: null }),
    );
    const res = await draft('我家楼下那家烧烤每天晚上烟大得受不了');
    expect(res.json).toMatchObject({
      source: 'llm',
      draft: { type: 'complaint', category: 'environment.cooking_fumes', title: '楼下烧烤店油烟扰民', location: { district: 'dongcheng', street: 'dongcheng_heping', address: '幸福路8号' } },
    });
    expect(llm.calls[0]!.body.response_format).toEqual({ type: 'json_object' });
    expect(String(llm.calls[0]!.body.messages![0]!.content)).toContain('environment.cooking_fumes=餐饮油烟');
  });

  it('ignores codes the city does not have, and a reply that is not the schema', async () => {
    llm.reply(JSON.stringify({ type: 'complaint', category: 'martian.affairs', urgency: 'normal', title: '标题', district: 'atlantis', emergency: null }));
    const invented = await draft('我家楼下那家烧烤每天晚上烟大得受不了');
    expect(invented.json.source).toBe('llm');
    expect(invented.json.draft.category).not.toBe('martian.affairs');
    expect(invented.json.draft.location.district).toBeUndefined();

    llm.reply('好的，这是一条关于油烟的投诉。');
    const prose = await draft('我家楼下那家烧烤每天晚上烟大得受不了');
    expect(prose.json.source).toBe('rules');
  });

  it('keeps an emergency the rules found, even if the model misses it', async () => {
    llm.reply(JSON.stringify({ type: 'help', category: 'public_safety.fire_hazard', urgency: 'normal', title: '楼道起火', emergency: null }));
    const res = await draft('楼道里着火了，烟很大，我们出不去');
    expect(res.json.emergency).toBe('119');
    expect(res.json.draft.urgency).toBe('urgent');
  });
});
