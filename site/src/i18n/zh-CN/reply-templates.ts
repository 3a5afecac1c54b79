// 答复模板: the unit handler's starting points for a reply, per first-level
// category, plus ones that fit any ticket. Placeholders in braces are filled
// from the ticket ({title} 标题, {place} 地点, {filedDate} 提交日期, {unit}
// 承办单位); what only the handler knows is marked 【…】 and must be replaced
// before the reply is sent (the page refuses a reply that still has one).

export interface ReplyTemplate {
  id: string;
  name: string;
  text: string;
}

/** For every category. */
export const GENERAL_TEMPLATES: readonly ReplyTemplate[] = [
  {
    id: 'resolved',
    name: '已办结',
    text: '您好！您于{filedDate}反映的“{title}”已收悉。经{unit}核实，【核实的情况】。我单位已于【日期】【采取的措施】，问题已解决。感谢您对我们工作的关心和支持。',
  },
  {
    id: 'explained',
    name: '政策解释',
    text: '您好！您于{filedDate}反映的“{title}”已收悉。经核实，【情况说明】。根据【政策或规定名称】，【解释与依据】。如有疑问，可拨打【咨询电话】咨询。感谢您的理解。',
  },
  {
    id: 'in_plan',
    name: '已列入计划',
    text: '您好！您反映的“{title}”已收悉。经{unit}现场查看，【核实的情况】。该问题需【原因】，已列入【计划名称】，预计于【时间】完成，届时将【后续安排】。感谢您的耐心等待。',
  },
];

/** Keyed by first-level category code (api/src/seed/demo-city.ts). */
export const CATEGORY_TEMPLATES: Readonly<Record<string, readonly ReplyTemplate[]>> = {
  urban_management: [
    {
      id: 'urban_fixed',
      name: '城市管理：现场处置',
      text: '您好！关于您反映的{place}“{title}”问题，{unit}已于【日期】派执法人员到现场处置，【处置结果，如：已清理占道摊点、已恢复照明】，并将加强该区域日常巡查。感谢您的监督。',
    },
  ],
  housing_property: [
    {
      id: 'property_coordinated',
      name: '住房物业：协调物业',
      text: '您好！关于您反映的{place}“{title}”问题，{unit}已约谈该小区物业服务企业，【协调结果】，物业已承诺于【日期】前【整改内容】。如物业未按期整改，可再次来电反映。',
    },
  ],
  utilities: [
    {
      id: 'utilities_restored',
      name: '水电气暖：已恢复',
      text: '您好！关于您反映的{place}“{title}”问题，经{unit}排查，原因为【故障原因】。抢修人员已于【日期时间】修复，【供水/供电/供气/供暖】已恢复正常。给您带来不便，敬请谅解。',
    },
  ],
  transport: [
    {
      id: 'transport_handled',
      name: '交通出行：已处理',
      text: '您好！关于您反映的{place}“{title}”问题，{unit}经现场勘查，【核实的情况】，已于【日期】【处理措施，如：调整信号灯配时、补划标线】。感谢您对城市交通的关注。',
    },
  ],
  environment: [
    {
      id: 'environment_checked',
      name: '生态环境：监测与整改',
      text: '您好！关于您反映的{place}“{title}”问题，{unit}已于【日期】现场检查并监测，【监测结果】。已责令【责任单位】于【期限】前整改，并将跟踪复查。感谢您对生态环境保护的支持。',
    },
  ],
  market_regulation: [
    {
      id: 'market_mediated',
      name: '市场监管：调解结果',
      text: '您好！关于您反映的“{title}”问题，{unit}已联系涉事商家【商家名称】，经调解，【调解结果，如：商家同意退款 X 元】。如仍有争议，可依法向人民法院提起诉讼。',
    },
  ],
  labor_social_security: [
    {
      id: 'labor_wages',
      name: '劳动社保：欠薪处理',
      text: '您好！关于您反映的“{title}”问题，{unit}已立案调查，【调查情况】。用人单位已承诺于【日期】前【支付/补缴】。如逾期未履行，我局将依法处理，您也可申请劳动仲裁。',
    },
  ],
  health: [
    {
      id: 'health_checked',
      name: '医疗卫生：核查结果',
      text: '您好！关于您反映的“{title}”问题，{unit}已约谈【医疗机构名称】并调阅相关记录，【核查结果】。已要求该机构【整改要求】。感谢您的反映。',
    },
  ],
  education: [
    {
      id: 'education_policy',
      name: '教育：政策说明',
      text: '您好！关于您咨询的“{title}”，根据【文件名称】，【政策内容】。具体可咨询【学校或教育部门电话】。感谢您对教育工作的关注。',
    },
  ],
  public_safety: [
    {
      id: 'safety_removed',
      name: '公共安全：隐患排除',
      text: '您好！关于您反映的{place}“{title}”隐患，{unit}已于【日期】到现场核查，【核查情况】，隐患已【排除/落实防护措施】。如再发现安全隐患，请及时拨打 12345 或 110。',
    },
  ],
  civil_affairs: [
    {
      id: 'civil_community',
      name: '民政社区：社区跟进',
      text: '您好！关于您反映的{place}“{title}”问题，{unit}已联系所在社区，【跟进情况】。社区将【后续安排】，如需帮助可联系社区工作人员【电话】。',
    },
  ],
  household_registration: [
    {
      id: 'registration_guide',
      name: '户籍证件：办理指引',
      text: '您好！关于您咨询的“{title}”，办理需携带【所需材料】，到【办理地点】办理，办理时间为【办公时间】，【办理时限】。也可通过【线上渠道】预约。',
    },
  ],
  agriculture_rural: [
    {
      id: 'rural_handled',
      name: '农业农村：已处理',
      text: '您好！关于您反映的{place}“{title}”问题，{unit}已会同【乡镇或村委会】现场核实，【核实情况】，已【处理结果】。感谢您的反映。',
    },
  ],
  government_services: [
    {
      id: 'services_improved',
      name: '政务服务：改进说明',
      text: '您好！关于您反映的“{title}”问题，{unit}已核实，【核实情况】。我们已【改进措施】，并对相关工作人员进行了提醒教育。感谢您的监督。',
    },
  ],
  planning_construction: [
    {
      id: 'construction_noise',
      name: '规划建设：工地整改',
      text: '您好！关于您反映的{place}“{title}”问题，{unit}已于【日期】检查该工地，【检查情况】，已责令施工单位【整改措施】，并将加强夜间巡查。感谢您的监督。',
    },
  ],
};
