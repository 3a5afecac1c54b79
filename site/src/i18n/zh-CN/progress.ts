// 进度查询: lookup, the citizen's view of their ticket, rating and 申请重办.
export const progress = {};
