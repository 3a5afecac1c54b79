// 典型案例 (publishing a case to 回音壁 or the public mailbox list) in the
// staff area: the queue 待公开 and the page where a supervisor checks the
// proposed public text, 公开 and 撤下. Chinese only, like staff.ts.

export const staffPublication = {
  queueName: '待公开',
  queue: {
    caption: (total: number) => `待公开：共 ${total} 件`,
    intro: '诉求人同意公开、已办结的工单和已答复的来信，尚未决定是否公开（最新在前）。',
    empty: '现在没有待公开的案例。',
    columns: { no: '工单编号', title: '拟公开标题', category: '分类', district: '所在区', channel: '渠道', closedAt: '办结 / 答复时间', proposed: '建议' },
    proposed: '满意且已解决',
    noCategory: '未分类',
    noDistrict: '未填写',
  },
  page: {
    title: (no: string) => `${no} 公开案例`,
    back: '返回待公开',
    ticket: '查看工单',
    notEligible: '这个工单不能公开',
    proposal: '拟公开版本',
    proposalHint: '个人信息已自动替换，替换处以底色标出。请逐项核对，可直接修改下面的文本；修改时不要写回姓名、电话或证件号码。',
    noReplacements: '未发现需要替换的个人信息。',
    replaced: (label: string) => `已替换：${label}`,
    fields: { title: '公开标题', content: '公开的诉求内容', reply: '公开的答复内容' },
    reason: '公开的理由',
    reasonHint: (why: string) => `${why}。`,
    publish: '公开',
    publishTitle: '公开到回音壁 / 市长信箱',
    published: '当前已公开',
    publishedAt: (at: string, by: string) => `${at} 由 ${by} 公开`,
    unpublish: '撤下',
    unpublishTitle: '撤下公开案例',
    unpublishHint: '撤下立即生效，公开页面不再显示这个案例；已公开的文本保留备查。',
    unpublishReason: '撤下的理由',
    unpublished: (at: string, reason: string) => `已于 ${at} 撤下。理由：${reason}`,
    done: { publish: '已公开。', unpublish: '已撤下，公开页面不再显示这个案例。' } as Record<string, string>,
  },
  forbidden: '无权访问',
  forbiddenText: '待公开和公开案例只有督办人员和管理员可以处理。',
} as const;
