// 工单页旁的参考与答复辅助: the words of the similar-tickets and knowledge
// panels, the 直接答复 preview, the reply templates' picker and the 派单 reason.

export const ticketAids = {
  similar: {
    title: '疑似同一诉求',
    hint: '近 30 天内、任意渠道，地点相同或相近且内容相似的工单。',
    hintMerge: '确认是同一件事后，可把本工单合并过去。',
    empty: '没有找到疑似同一诉求的工单。',
    unavailable: '暂时无法查找相似工单，请稍后刷新。',
    filed: (channel: string, at: string) => `${channel} · ${at} 提交`,
    mergeSubmit: (ticketNo: string) => `合并到 ${ticketNo}`,
    mergeHint: '合并后本工单结束，诉求人可按合并到的工单查看进度。',
  },
  knowledge: {
    title: '知识库参考',
    hint: '与本工单内容最相近的知识条目，可直接用来答复。',
    empty: '知识库里没有与本工单相近的条目。',
    unavailable: '知识库搜索暂时不可用，请稍后刷新。',
    use: '用此条答复',
    gone: '这条知识暂时取不到（可能刚被修改或搜索暂不可用），请刷新页面后重选，或直接填写答复。',
  },
  answer: {
    previewSubmit: '预览答复',
    preview: '诉求人将看到',
    previewHint: '诉求人在进度查询中看到的答复如下；确认无误后点“直接答复”发送，发送后不能修改。',
    changed: '答复内容在预览后改过了，请确认下面的新预览后再发送。',
    fromEntry: (question: string) => `已填入知识条目“${question}”的答案，请按本工单的情况修改后预览。`,
    needPreview: '发送前请先预览诉求人将看到的答复。',
  },
  templates: {
    label: '答复模板',
    none: '不使用模板',
    apply: '套用模板',
    hint: '套用后会替换下面的答复内容；请把【】中的内容改为实际情况。',
    applied: (name: string) => `已套用“${name}”，请把【】中的内容改为实际情况后再答复。`,
    unfilled: '答复里还有模板中【】标出的待填内容，请改为实际情况。',
  },
  dispatch: {
    why: '建议依据',
    ruleNote: (note: string) => `规则说明：${note}`,
    letter: (reason: string) => `来信指定：${reason}`,
    changeHint: '可改选主办单位和协办单位；与建议不同时，派单记录会注明未采用建议。',
    allDistricts: '全市',
  },
  publication: {
    link: '公开办理结果',
    hint: '办结后诉求人同意公开的工单，可在回音壁公开办理结果（隐去个人信息）。',
  },
};
