import type { Channel, RequestType, Satisfaction, StaffRole, Urgency } from '@hotline/db/enums';

// Chinese names for the code names of DESIGN.md's glossary.

export const REQUEST_TYPE_LABELS: Record<RequestType, string> = {
  complaint: '投诉',
  report: '举报',
  help: '求助',
  consultation: '咨询',
  suggestion: '建议',
  praise: '表扬',
};

export const CHANNEL_LABELS: Record<Channel, string> = {
  web: '网站',
  mailbox: '市长信箱',
  wechat: '微信公众号',
  telegram: 'Telegram',
  phone: '电话',
};

export const URGENCY_LABELS: Record<Urgency, string> = { normal: '一般', urgent: '紧急' };

export const SATISFACTION_LABELS: Record<Satisfaction, string> = {
  satisfied: '满意',
  basically_satisfied: '基本满意',
  unsatisfied: '不满意',
};

export const ROLE_LABELS: Record<StaffRole, string> = {
  operator: '受理员',
  dispatcher: '派单员',
  unit_handler: '承办单位',
  supervisor: '督办员',
  editor: '知识编辑',
  admin: '管理员',
};
