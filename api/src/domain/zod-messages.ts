import { z } from 'zod';

/**
 * Chinese messages for the generic zod failures that a schema does not
 * word itself (a missing field, a wrong type, a value out of range).
 */
z.config({
  customError: (issue) => {
    switch (issue.code) {
      case 'invalid_type':
        return issue.input === undefined ? '此项为必填' : `类型不正确，应为${TYPE_NAMES[issue.expected] ?? issue.expected}`;
      case 'too_small':
        return issue.origin === 'string' ? `至少需要 ${issue.minimum} 个字` : issue.origin === 'array' ? `至少需要 ${issue.minimum} 项` : `不能小于 ${issue.minimum}`;
      case 'too_big':
        return issue.origin === 'string' ? `不能超过 ${issue.maximum} 个字` : issue.origin === 'array' ? `最多 ${issue.maximum} 项` : `不能大于 ${issue.maximum}`;
      case 'invalid_value':
        return `取值无效，可选：${issue.values.map(String).join('、')}`;
      case 'invalid_format':
        return '格式不正确';
      case 'unrecognized_keys':
        return `不支持的字段：${issue.keys.join('、')}`;
      default:
        return undefined;
    }
  },
});

const TYPE_NAMES: Record<string, string> = {
  string: '文本',
  number: '数字',
  boolean: '布尔值（true/false）',
  object: '对象',
  array: '数组',
  date: '日期',
};
