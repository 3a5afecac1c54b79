import '../zod-messages.ts';
import { CHANNELS, EMERGENCY_NUMBERS, INTAKE_RULE_KINDS } from '@hotline/db/enums';
import { z } from 'zod';

const phrase = (what: string, max: number) => z.string().trim().min(1, `${what}不能为空`).max(max, `${what}不能超过 ${max} 个字`);

/** What an editor writes for an entry. */
export const KbContentInput = z
  .object({
    question: phrase('标题问题', 200).refine((q) => [...q].length >= 2, '标题问题至少 2 个字'),
    alternates: z.array(phrase('其他问法', 200)).max(50, '其他问法最多 50 个').default([]),
    answer: phrase('答案', 20_000),
    category: z.string().trim().min(1, '请选择分类').max(80),
    unitId: z.string().trim().max(64).nullable().optional(),
    keywords: z.array(phrase('关键词', 40)).max(30, '关键词最多 30 个').default([]),
    effectiveFrom: z.iso.date({ error: '生效日期格式应为 YYYY-MM-DD' }).nullable().optional(),
    expiresOn: z.iso.date({ error: '失效日期格式应为 YYYY-MM-DD' }).nullable().optional(),
  })
  .refine((c) => !c.effectiveFrom || !c.expiresOn || c.expiresOn > c.effectiveFrom, { path: ['expiresOn'], message: '失效日期须晚于生效日期' });
export type KbContentInput = z.infer<typeof KbContentInput>;

export const SaveEntryInput = z.object({
  content: KbContentInput,
  /** The version the editor started from; a save over someone else's is refused. */
  expectedVersion: z.number().int().min(1).optional(),
  note: z.string().trim().max(500).optional(),
});

export const ReviewNoteInput = z.object({ note: z.string().trim().max(500).optional() });
export const RestoreInput = z.object({ version: z.number().int().min(1) });

const word = z.string().trim().min(1).max(20, '词语不能超过 20 个字');
export const VocabularyInput = z
  .object({
    synonymGroups: z.array(z.array(word).min(2, '每组同义词至少 2 个').max(30)).max(5000),
    stopWords: z.array(word).max(2000),
  })
  .superRefine((v, ctx) => {
    const seen = new Map<string, number>();
    v.synonymGroups.forEach((group, i) => {
      for (const w of group) {
        const earlier = seen.get(w);
        if (earlier !== undefined && earlier !== i) {
          ctx.addIssue({ code: 'custom', path: ['synonymGroups', i], message: `“${w}”同时出现在第 ${earlier + 1} 组和第 ${i + 1} 组` });
        }
        seen.set(w, i);
      }
    });
  });
export type VocabularyInput = z.infer<typeof VocabularyInput>;

export const IntakeRuleInput = z
  .object({
    id: z.string().trim().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, '规则编号为小写字母、数字、下划线或连字符'),
    kind: z.enum(INTAKE_RULE_KINDS),
    target: z.string().trim().min(1).max(80),
    any: z.array(word).max(100).default([]),
    all: z.array(word).max(10).default([]),
    none: z.array(word).max(150).default([]),
    weight: z.number().int().min(1).max(10).default(1),
    note: z.string().trim().max(200).nullable().optional(),
    active: z.boolean().default(true),
  })
  .refine((r) => r.any.length > 0 || r.all.length > 0, { path: ['any'], message: '“关键词（任一）”和“须同时包含”不能都为空' })
  .refine((r) => r.kind !== 'emergency' || (EMERGENCY_NUMBERS as readonly string[]).includes(r.target), {
    path: ['target'],
    message: '紧急规则的目标应为 110、119 或 120',
  });
export type IntakeRuleInput = z.infer<typeof IntakeRuleInput>;
export const IntakeRulesInput = z.object({ rules: z.array(IntakeRuleInput).max(5000) });

const citizenChannel = z.enum(CHANNELS, { error: '渠道无效' });

export const AskInput = z.object({
  question: z.string({ error: '请填写问题' }).trim().min(1, '请填写问题').max(500, '问题不能超过 500 个字'),
  channel: citizenChannel,
});
export const DraftInput = z.object({
  text: z.string({ error: '请填写内容' }).trim().min(2, '内容至少 2 个字').max(5000, '内容不能超过 5000 个字'),
  channel: citizenChannel,
});
export const FeedbackInput = z.object({
  entryId: z.string().trim().min(1).max(64),
  helpful: z.boolean({ error: '请说明是否解决了问题' }),
  question: z.string().trim().max(500).optional(),
  channel: citizenChannel,
});
export const SearchQuery = z.object({
  q: z.string({ error: '请填写搜索内容' }).trim().min(1, '请填写搜索内容').max(200, '搜索内容不能超过 200 个字'),
  limit: z.coerce.number().int().min(1).max(20).default(5),
  category: z.string().trim().max(80).optional(),
  /** `1`: only hits good enough to show as suggestions while a citizen types (a wrong one is worse than none). */
  suggest: z.enum(['0', '1']).optional(),
});
