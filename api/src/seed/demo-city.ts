// Demo configuration for 示范市 (Shifan City), a fictional city: districts and
// streets, the two-level category tree, the units (承办单位) and the routing
// rules that suggest a lead unit for a ticket. Pure data: importing this module
// pulls in no database code. Every name here is invented.

import type { FirstLevelCategory, UnitKind } from '@hotline/db/enums';

export interface DemoDistrict { code: string; name: string; streets: { code: string; name: string }[] }
export interface DemoCategory { code: FirstLevelCategory; name: string; children: { code: string; name: string }[] }
export interface DemoUnit { id: string; name: string; kind: UnitKind; districtCode?: string; streetCode?: string }
export interface DemoRoutingRule {
  category: FirstLevelCategory;
  subcategory?: string;        // a second-level code, must belong to `category`
  district?: string;           // a district code
  lead?: string;               // a unit id; omit only when `jurisdiction` is set
  jurisdiction?: 'street' | 'district'; // 属地: the street office of the ticket's street (falls back to the district government), or the district government
  coUnits?: string[];          // unit ids
  note?: string;               // Chinese, why this routing
}
export interface DemoCity { name: string; districts: DemoDistrict[]; categories: DemoCategory[]; units: DemoUnit[]; routingRules: DemoRoutingRule[] }

export const DEMO_CITY: DemoCity = {
  name: '示范市',

  // ─── 行政区划 ────────────────────────────────────────────────────────────
  districts: [
    {
      code: 'dongcheng',
      name: '东城区',
      streets: [
        { code: 'dongcheng_heping', name: '和平街道' },
        { code: 'dongcheng_wenchang', name: '文昌街道' },
        { code: 'dongcheng_xinhua', name: '新华街道' },
        { code: 'dongcheng_jinxiu', name: '锦绣街道' },
        { code: 'dongcheng_kangning', name: '康宁街道' },
      ],
    },
    {
      code: 'xiling',
      name: '西岭区',
      streets: [
        { code: 'xiling_qingquan', name: '清泉街道' },
        { code: 'xiling_fenglin', name: '枫林街道' },
        { code: 'xiling_cuihu', name: '翠湖街道' },
        { code: 'xiling_changle', name: '长乐街道' },
        { code: 'xiling_mingde', name: '明德街道' },
      ],
    },
    {
      code: 'jiangbin',
      name: '江滨区',
      streets: [
        { code: 'jiangbin_wangjiang', name: '望江街道' },
        { code: 'jiangbin_yanhe', name: '沿河街道' },
        { code: 'jiangbin_gangkou', name: '港口街道' },
        { code: 'jiangbin_yuwan', name: '渔湾街道' },
        { code: 'jiangbin_haitang', name: '海棠街道' },
        { code: 'jiangbin_chuanhang', name: '船行街道' },
      ],
    },
    {
      code: 'beiyuan',
      name: '北苑区',
      streets: [
        { code: 'beiyuan_antai', name: '安泰街道' },
        { code: 'beiyuan_guangde', name: '广德街道' },
        { code: 'beiyuan_yucai', name: '育才街道' },
        { code: 'beiyuan_yongan', name: '永安街道' },
      ],
    },
    {
      code: 'yunling',
      name: '云岭区',
      streets: [
        { code: 'yunling_songlin', name: '松林街道' },
        { code: 'yunling_shiqiao', name: '石桥街道' },
        { code: 'yunling_fengming', name: '凤鸣街道' },
        { code: 'yunling_baisha', name: '白沙镇' },
      ],
    },
  ],

  // ─── 诉求分类（一级顺序与 FIRST_LEVEL_CATEGORIES 一致） ─────────────────────
  categories: [
    {
      code: 'urban_management',
      name: '城市管理',
      children: [
        { code: 'urban_management.street_vending', name: '占道经营与流动摊贩' },
        { code: 'urban_management.garbage_collection', name: '垃圾清运不及时' },
        { code: 'urban_management.waste_sorting', name: '垃圾分类' },
        { code: 'urban_management.city_appearance', name: '市容环境卫生' },
        { code: 'urban_management.illegal_construction', name: '违法建设' },
        { code: 'urban_management.outdoor_ads', name: '户外广告与招牌' },
        { code: 'urban_management.municipal_facilities', name: '市政设施损坏（路面、井盖、路灯）' },
        { code: 'urban_management.greening', name: '园林绿化' },
        { code: 'urban_management.construction_waste', name: '渣土与建筑垃圾' },
        { code: 'urban_management.public_toilets', name: '公共厕所' },
      ],
    },
    {
      code: 'housing_property',
      name: '住房与物业',
      children: [
        { code: 'housing_property.property_service', name: '物业服务质量' },
        { code: 'housing_property.property_fees', name: '物业收费' },
        { code: 'housing_property.owners_committee', name: '业主大会与业主委员会' },
        { code: 'housing_property.maintenance_fund', name: '住宅专项维修资金' },
        { code: 'housing_property.elevator', name: '住宅电梯运行与维修' },
        { code: 'housing_property.housing_delivery', name: '商品房交付与质量' },
        { code: 'housing_property.property_certificate', name: '不动产登记与办证' },
        { code: 'housing_property.rental_housing', name: '房屋租赁与中介' },
        { code: 'housing_property.public_housing', name: '保障性住房' },
        { code: 'housing_property.provident_fund', name: '住房公积金' },
      ],
    },
    {
      code: 'utilities',
      name: '水电气暖',
      children: [
        { code: 'utilities.water_outage', name: '停水' },
        { code: 'utilities.water_quality', name: '水质问题' },
        { code: 'utilities.water_pressure', name: '水压不足' },
        { code: 'utilities.power_outage', name: '停电' },
        { code: 'utilities.power_voltage', name: '电压不稳' },
        { code: 'utilities.gas_outage', name: '停气' },
        { code: 'utilities.gas_safety', name: '燃气安全隐患' },
        { code: 'utilities.heating_outage', name: '供暖不热/停暖' },
        { code: 'utilities.billing', name: '缴费、计量与报装' },
        { code: 'utilities.drainage', name: '排水不畅与污水外溢' },
      ],
    },
    {
      code: 'transport',
      name: '交通出行',
      children: [
        { code: 'transport.bus_service', name: '公交线路与服务' },
        { code: 'transport.metro', name: '轨道交通' },
        { code: 'transport.taxi', name: '出租车与网约车' },
        { code: 'transport.shared_bikes', name: '共享单车' },
        { code: 'transport.parking', name: '停车管理与乱停车' },
        { code: 'transport.traffic_signals', name: '信号灯与标志标线' },
        { code: 'transport.congestion', name: '交通拥堵与交通组织' },
        { code: 'transport.road_maintenance', name: '公路破损与养护' },
        { code: 'transport.vehicle_licensing', name: '驾驶证与车辆业务' },
        { code: 'transport.passenger_stations', name: '客运站与长途客运' },
      ],
    },
    {
      code: 'environment',
      name: '生态环境',
      children: [
        { code: 'environment.air_pollution', name: '大气污染' },
        { code: 'environment.odor', name: '异味扰民' },
        { code: 'environment.water_pollution', name: '水体污染' },
        { code: 'environment.cooking_fumes', name: '餐饮油烟' },
        { code: 'environment.construction_noise', name: '建筑施工噪声' },
        { code: 'environment.social_noise', name: '社会生活噪声' },
        { code: 'environment.industrial_noise', name: '工业噪声' },
        { code: 'environment.solid_waste', name: '固体废物与危险废物' },
        { code: 'environment.open_burning', name: '露天焚烧' },
        { code: 'environment.radiation', name: '电磁辐射' },
      ],
    },
    {
      code: 'market_regulation',
      name: '市场监管',
      children: [
        { code: 'market_regulation.food_safety', name: '食品安全' },
        { code: 'market_regulation.consumer_disputes', name: '消费纠纷' },
        { code: 'market_regulation.product_quality', name: '产品质量' },
        { code: 'market_regulation.pricing', name: '价格违法' },
        { code: 'market_regulation.drugs_devices', name: '药品与医疗器械' },
        { code: 'market_regulation.unlicensed_business', name: '无照经营' },
        { code: 'market_regulation.false_advertising', name: '虚假广告' },
        { code: 'market_regulation.special_equipment', name: '特种设备安全' },
        { code: 'market_regulation.business_registration', name: '市场主体登记' },
      ],
    },
    {
      code: 'labor_social_security',
      name: '劳动与社会保障',
      children: [
        { code: 'labor_social_security.wage_arrears', name: '拖欠工资' },
        { code: 'labor_social_security.labor_contract', name: '劳动合同' },
        { code: 'labor_social_security.labor_dispute', name: '劳动争议仲裁' },
        { code: 'labor_social_security.social_insurance', name: '社会保险缴纳' },
        { code: 'labor_social_security.pension', name: '养老保险待遇' },
        { code: 'labor_social_security.medical_insurance', name: '医疗保险' },
        { code: 'labor_social_security.unemployment_insurance', name: '失业保险' },
        { code: 'labor_social_security.work_injury', name: '工伤认定与工伤保险' },
        { code: 'labor_social_security.employment_services', name: '就业创业服务' },
        { code: 'labor_social_security.vocational_training', name: '职业技能培训' },
      ],
    },
    {
      code: 'health',
      name: '医疗卫生',
      children: [
        { code: 'health.medical_service', name: '医疗服务质量' },
        { code: 'health.medical_dispute', name: '医疗纠纷' },
        { code: 'health.medical_ethics', name: '医德医风' },
        { code: 'health.appointment', name: '预约挂号' },
        { code: 'health.vaccination', name: '预防接种' },
        { code: 'health.disease_control', name: '传染病防控' },
        { code: 'health.maternal_child', name: '妇幼保健与出生医学证明' },
        { code: 'health.illegal_practice', name: '非法行医' },
      ],
    },
    {
      code: 'education',
      name: '教育',
      children: [
        { code: 'education.enrollment', name: '入学招生' },
        { code: 'education.school_fees', name: '教育收费' },
        { code: 'education.off_campus_training', name: '校外培训' },
        { code: 'education.teacher_conduct', name: '师德师风' },
        { code: 'education.campus_safety', name: '校园安全' },
        { code: 'education.school_meals', name: '学校食堂与配餐' },
        { code: 'education.student_aid', name: '学生资助' },
        { code: 'education.preschool', name: '学前教育' },
      ],
    },
    {
      code: 'public_safety',
      name: '公共安全',
      children: [
        { code: 'public_safety.public_order', name: '治安问题' },
        { code: 'public_safety.telecom_fraud', name: '电信网络诈骗' },
        { code: 'public_safety.fire_hazard', name: '消防安全隐患' },
        { code: 'public_safety.work_safety', name: '安全生产' },
        { code: 'public_safety.disaster_prevention', name: '防灾减灾' },
        { code: 'public_safety.pyramid_selling', name: '传销' },
      ],
    },
    {
      code: 'civil_affairs',
      name: '民政与社区',
      children: [
        { code: 'civil_affairs.subsistence_allowance', name: '最低生活保障与救助' },
        { code: 'civil_affairs.elderly_care', name: '养老服务' },
        { code: 'civil_affairs.disability_support', name: '残疾人帮扶' },
        { code: 'civil_affairs.marriage_registration', name: '婚姻登记' },
        { code: 'civil_affairs.funeral', name: '殡葬服务' },
        { code: 'civil_affairs.community_services', name: '社区服务与管理' },
        { code: 'civil_affairs.neighbour_disputes', name: '邻里纠纷' },
        { code: 'civil_affairs.veterans', name: '退役军人服务' },
      ],
    },
    {
      code: 'household_registration',
      name: '户籍与证件',
      children: [
        { code: 'household_registration.hukou_transfer', name: '户口迁移' },
        { code: 'household_registration.settlement_policy', name: '落户政策' },
        { code: 'household_registration.id_card', name: '居民身份证' },
        { code: 'household_registration.residence_permit', name: '居住证' },
        { code: 'household_registration.exit_entry', name: '出入境证件' },
        { code: 'household_registration.hukou_certificate', name: '户籍证明' },
      ],
    },
    {
      code: 'agriculture_rural',
      name: '农业农村',
      children: [
        { code: 'agriculture_rural.land_contract', name: '土地承包经营' },
        { code: 'agriculture_rural.homestead', name: '宅基地' },
        { code: 'agriculture_rural.agri_subsidies', name: '惠农补贴' },
        { code: 'agriculture_rural.agri_inputs', name: '农资质量（种子、农药、化肥）' },
        { code: 'agriculture_rural.livestock', name: '畜禽养殖与动物防疫' },
        { code: 'agriculture_rural.rural_living', name: '农村人居环境' },
        { code: 'agriculture_rural.rural_roads', name: '农村公路' },
      ],
    },
    {
      code: 'government_services',
      name: '政务服务',
      children: [
        { code: 'government_services.service_hall', name: '政务服务大厅' },
        { code: 'government_services.online_platform', name: '网上办事平台' },
        { code: 'government_services.approval_efficiency', name: '审批办理效率' },
        { code: 'government_services.staff_conduct', name: '工作人员作风' },
        { code: 'government_services.policy_consultation', name: '政策咨询' },
        { code: 'government_services.business_environment', name: '营商环境' },
        { code: 'government_services.information_disclosure', name: '政府信息公开' },
      ],
    },
    {
      code: 'planning_construction',
      name: '规划与建设',
      children: [
        { code: 'planning_construction.planning_violation', name: '违反规划建设' },
        { code: 'planning_construction.planning_consultation', name: '规划公示与咨询' },
        { code: 'planning_construction.construction_quality', name: '建设工程质量' },
        { code: 'planning_construction.construction_site', name: '施工工地管理' },
        { code: 'planning_construction.expropriation', name: '房屋征收与补偿' },
        { code: 'planning_construction.old_community_renovation', name: '老旧小区改造' },
        { code: 'planning_construction.municipal_projects', name: '市政工程建设' },
      ],
    },
    {
      code: 'other',
      name: '其他',
      children: [
        { code: 'other.other', name: '其他' },
        { code: 'other.non_local', name: '非本市管辖事项' },
        { code: 'other.legal_affairs', name: '涉法涉诉事项' },
      ],
    },
  ],

  // ─── 承办单位 ────────────────────────────────────────────────────────────
  units: [
    // 市直部门
    { id: 'city_urban_mgmt', name: '市城市管理局', kind: 'bureau' },
    { id: 'city_housing', name: '市住房和城乡建设局', kind: 'bureau' },
    { id: 'city_eco_env', name: '市生态环境局', kind: 'bureau' },
    { id: 'city_transport', name: '市交通运输局', kind: 'bureau' },
    { id: 'city_market', name: '市市场监督管理局', kind: 'bureau' },
    { id: 'city_hrss', name: '市人力资源和社会保障局', kind: 'bureau' },
    { id: 'city_health', name: '市卫生健康委员会', kind: 'bureau' },
    { id: 'city_education', name: '市教育局', kind: 'bureau' },
    { id: 'city_public_security', name: '市公安局', kind: 'bureau' },
    { id: 'city_traffic_police', name: '市公安局交通警察支队', kind: 'bureau' },
    { id: 'city_civil_affairs', name: '市民政局', kind: 'bureau' },
    { id: 'city_agriculture', name: '市农业农村局', kind: 'bureau' },
    { id: 'city_gov_services', name: '市政务服务数据管理局', kind: 'bureau' },
    { id: 'city_natural_resources', name: '市自然资源和规划局', kind: 'bureau' },
    { id: 'city_medical_security', name: '市医疗保障局', kind: 'bureau' },
    { id: 'city_provident_fund', name: '市住房公积金管理中心', kind: 'bureau' },
    { id: 'city_water_affairs', name: '市水务局', kind: 'bureau' },
    { id: 'city_development_reform', name: '市发展和改革委员会', kind: 'bureau' },
    { id: 'city_emergency', name: '市应急管理局', kind: 'bureau' },
    { id: 'city_fire_rescue', name: '市消防救援支队', kind: 'bureau' },
    { id: 'city_veterans', name: '市退役军人事务局', kind: 'bureau' },
    { id: 'city_justice', name: '市司法局', kind: 'bureau' },
    { id: 'city_labor_arbitration', name: '市劳动人事争议仲裁院', kind: 'other' },
    { id: 'city_disabled_federation', name: '市残疾人联合会', kind: 'other' },
    { id: 'city_hotline_office', name: '市12345热线办', kind: 'other' },

    // 公用事业企业
    { id: 'util_water', name: '示范市自来水有限公司', kind: 'utility' },
    { id: 'util_power', name: '国网示范市供电公司', kind: 'utility' },
    { id: 'util_gas', name: '示范市燃气集团', kind: 'utility' },
    { id: 'util_heating', name: '示范市热力公司', kind: 'utility' },
    { id: 'util_bus', name: '示范市公交集团', kind: 'utility' },
    { id: 'util_metro', name: '示范市轨道交通集团', kind: 'utility' },

    // 区人民政府
    { id: 'gov_dongcheng', name: '东城区人民政府', kind: 'district_government', districtCode: 'dongcheng' },
    { id: 'gov_xiling', name: '西岭区人民政府', kind: 'district_government', districtCode: 'xiling' },
    { id: 'gov_jiangbin', name: '江滨区人民政府', kind: 'district_government', districtCode: 'jiangbin' },
    { id: 'gov_beiyuan', name: '北苑区人民政府', kind: 'district_government', districtCode: 'beiyuan' },
    { id: 'gov_yunling', name: '云岭区人民政府', kind: 'district_government', districtCode: 'yunling' },

    // 街道办事处（镇人民政府）
    { id: 'street_dongcheng_heping', name: '东城区和平街道办事处', kind: 'street_office', districtCode: 'dongcheng', streetCode: 'dongcheng_heping' },
    { id: 'street_dongcheng_wenchang', name: '东城区文昌街道办事处', kind: 'street_office', districtCode: 'dongcheng', streetCode: 'dongcheng_wenchang' },
    { id: 'street_dongcheng_xinhua', name: '东城区新华街道办事处', kind: 'street_office', districtCode: 'dongcheng', streetCode: 'dongcheng_xinhua' },
    { id: 'street_dongcheng_jinxiu', name: '东城区锦绣街道办事处', kind: 'street_office', districtCode: 'dongcheng', streetCode: 'dongcheng_jinxiu' },
    { id: 'street_dongcheng_kangning', name: '东城区康宁街道办事处', kind: 'street_office', districtCode: 'dongcheng', streetCode: 'dongcheng_kangning' },

    { id: 'street_xiling_qingquan', name: '西岭区清泉街道办事处', kind: 'street_office', districtCode: 'xiling', streetCode: 'xiling_qingquan' },
    { id: 'street_xiling_fenglin', name: '西岭区枫林街道办事处', kind: 'street_office', districtCode: 'xiling', streetCode: 'xiling_fenglin' },
    { id: 'street_xiling_cuihu', name: '西岭区翠湖街道办事处', kind: 'street_office', districtCode: 'xiling', streetCode: 'xiling_cuihu' },
    { id: 'street_xiling_changle', name: '西岭区长乐街道办事处', kind: 'street_office', districtCode: 'xiling', streetCode: 'xiling_changle' },
    { id: 'street_xiling_mingde', name: '西岭区明德街道办事处', kind: 'street_office', districtCode: 'xiling', streetCode: 'xiling_mingde' },

    { id: 'street_jiangbin_wangjiang', name: '江滨区望江街道办事处', kind: 'street_office', districtCode: 'jiangbin', streetCode: 'jiangbin_wangjiang' },
    { id: 'street_jiangbin_yanhe', name: '江滨区沿河街道办事处', kind: 'street_office', districtCode: 'jiangbin', streetCode: 'jiangbin_yanhe' },
    { id: 'street_jiangbin_gangkou', name: '江滨区港口街道办事处', kind: 'street_office', districtCode: 'jiangbin', streetCode: 'jiangbin_gangkou' },
    { id: 'street_jiangbin_yuwan', name: '江滨区渔湾街道办事处', kind: 'street_office', districtCode: 'jiangbin', streetCode: 'jiangbin_yuwan' },
    { id: 'street_jiangbin_haitang', name: '江滨区海棠街道办事处', kind: 'street_office', districtCode: 'jiangbin', streetCode: 'jiangbin_haitang' },
    { id: 'street_jiangbin_chuanhang', name: '江滨区船行街道办事处', kind: 'street_office', districtCode: 'jiangbin', streetCode: 'jiangbin_chuanhang' },

    { id: 'street_beiyuan_antai', name: '北苑区安泰街道办事处', kind: 'street_office', districtCode: 'beiyuan', streetCode: 'beiyuan_antai' },
    { id: 'street_beiyuan_guangde', name: '北苑区广德街道办事处', kind: 'street_office', districtCode: 'beiyuan', streetCode: 'beiyuan_guangde' },
    { id: 'street_beiyuan_yucai', name: '北苑区育才街道办事处', kind: 'street_office', districtCode: 'beiyuan', streetCode: 'beiyuan_yucai' },
    { id: 'street_beiyuan_yongan', name: '北苑区永安街道办事处', kind: 'street_office', districtCode: 'beiyuan', streetCode: 'beiyuan_yongan' },

    { id: 'street_yunling_songlin', name: '云岭区松林街道办事处', kind: 'street_office', districtCode: 'yunling', streetCode: 'yunling_songlin' },
    { id: 'street_yunling_shiqiao', name: '云岭区石桥街道办事处', kind: 'street_office', districtCode: 'yunling', streetCode: 'yunling_shiqiao' },
    { id: 'street_yunling_fengming', name: '云岭区凤鸣街道办事处', kind: 'street_office', districtCode: 'yunling', streetCode: 'yunling_fengming' },
    { id: 'street_yunling_baisha', name: '云岭区白沙镇人民政府', kind: 'street_office', districtCode: 'yunling', streetCode: 'yunling_baisha' },
  ],

  // ─── 派单规则 ────────────────────────────────────────────────────────────
  // Most specific wins: a rule naming the second level beats one naming the
  // district, which beats the category-wide rule.
  routingRules: [
    // 城市管理
    { category: 'urban_management', lead: 'city_urban_mgmt', note: '城市管理类诉求默认由市城市管理局承办' },
    { category: 'urban_management', subcategory: 'urban_management.street_vending', jurisdiction: 'street', coUnits: ['city_urban_mgmt'], note: '占道经营属街道综合执法队属地管理，市城管局协办' },
    { category: 'urban_management', subcategory: 'urban_management.garbage_collection', jurisdiction: 'street', coUnits: ['city_urban_mgmt'], note: '生活垃圾清运由街道环卫所组织，市城管局负责行业监管' },
    { category: 'urban_management', subcategory: 'urban_management.city_appearance', jurisdiction: 'street', coUnits: ['city_urban_mgmt'], note: '市容环境卫生实行街道属地管理' },
    { category: 'urban_management', subcategory: 'urban_management.illegal_construction', jurisdiction: 'street', coUnits: ['city_urban_mgmt', 'city_natural_resources'], note: '违法建设由街道先行制止、属地查处，城管、规划部门协办' },
    { category: 'urban_management', subcategory: 'urban_management.waste_sorting', jurisdiction: 'street', coUnits: ['city_urban_mgmt'], note: '小区垃圾分类由街道、社区组织落实' },
    { category: 'urban_management', subcategory: 'urban_management.construction_waste', lead: 'city_urban_mgmt', coUnits: ['city_housing'], note: '渣土运输与建筑垃圾由市城管局渣土管理处负责' },
    { category: 'urban_management', district: 'xiling', jurisdiction: 'district', coUnits: ['city_urban_mgmt'], note: '西岭区城市管理执法权已下放区政府，区城管执法局承办' },

    // 住房与物业
    { category: 'housing_property', lead: 'city_housing', note: '住房与物业类诉求默认由市住房和城乡建设局承办' },
    { category: 'housing_property', subcategory: 'housing_property.property_service', jurisdiction: 'street', coUnits: ['city_housing'], note: '物业服务纠纷由街道物业管理办公室属地协调' },
    { category: 'housing_property', subcategory: 'housing_property.owners_committee', jurisdiction: 'street', coUnits: ['city_housing'], note: '街道负责指导业主大会成立和业委会选举' },
    { category: 'housing_property', subcategory: 'housing_property.elevator', lead: 'city_market', coUnits: ['city_housing'], note: '电梯属特种设备，由市场监管部门监管，住建部门协办' },
    { category: 'housing_property', subcategory: 'housing_property.property_certificate', lead: 'city_natural_resources', note: '不动产登记由市自然资源和规划局（不动产登记中心）办理' },
    { category: 'housing_property', subcategory: 'housing_property.provident_fund', lead: 'city_provident_fund', note: '住房公积金缴存、提取、贷款由公积金中心答复' },

    // 水电气暖
    { category: 'utilities', lead: 'city_water_affairs', note: '水电气暖类其他诉求由市水务局先行受理并转相关企业' },
    { category: 'utilities', subcategory: 'utilities.water_outage', lead: 'util_water', coUnits: ['city_water_affairs'], note: '停水由供水企业抢修并答复，市水务局监督' },
    { category: 'utilities', subcategory: 'utilities.water_quality', lead: 'util_water', coUnits: ['city_health'], note: '水质由供水企业检测处理，卫健委负责卫生监督' },
    { category: 'utilities', subcategory: 'utilities.water_pressure', lead: 'util_water', note: '水压不足由供水企业处理' },
    { category: 'utilities', subcategory: 'utilities.power_outage', lead: 'util_power', note: '停电由供电公司抢修并答复' },
    { category: 'utilities', subcategory: 'utilities.power_voltage', lead: 'util_power', note: '电压问题由供电公司处理' },
    { category: 'utilities', subcategory: 'utilities.gas_outage', lead: 'util_gas', coUnits: ['city_urban_mgmt'], note: '停气由燃气企业处理，市城管局负责燃气行业监管' },
    { category: 'utilities', subcategory: 'utilities.gas_safety', lead: 'util_gas', coUnits: ['city_urban_mgmt', 'city_fire_rescue'], note: '燃气安全隐患由燃气企业立即上门排查，紧急泄漏须提示拨打119' },
    { category: 'utilities', subcategory: 'utilities.heating_outage', lead: 'util_heating', coUnits: ['city_urban_mgmt'], note: '供暖不热由热力公司处理，市城管局（供热办）监督' },
    { category: 'utilities', subcategory: 'utilities.billing', lead: 'city_development_reform', coUnits: ['util_water', 'util_power', 'util_gas', 'util_heating'], note: '价格政策由市发改委答复，具体账单由相关企业核实' },
    { category: 'utilities', subcategory: 'utilities.drainage', lead: 'city_water_affairs', coUnits: ['city_urban_mgmt'], note: '排水管网由市水务局负责' },
    { category: 'utilities', subcategory: 'utilities.water_outage', district: 'yunling', jurisdiction: 'district', coUnits: ['util_water', 'city_water_affairs'], note: '云岭区镇村供水由区属水厂运营，由区政府牵头处理' },

    // 交通出行
    { category: 'transport', lead: 'city_transport', note: '交通出行类诉求默认由市交通运输局承办' },
    { category: 'transport', subcategory: 'transport.bus_service', lead: 'util_bus', coUnits: ['city_transport'], note: '公交线路、班次、司乘服务由公交集团答复' },
    { category: 'transport', subcategory: 'transport.metro', lead: 'util_metro', coUnits: ['city_transport'], note: '地铁运营服务由轨道交通集团答复' },
    { category: 'transport', subcategory: 'transport.parking', lead: 'city_traffic_police', coUnits: ['city_urban_mgmt'], note: '违停由交警查处，人行道停车由城管协办' },
    { category: 'transport', subcategory: 'transport.traffic_signals', lead: 'city_traffic_police', note: '信号灯与标志标线由交警支队负责' },
    { category: 'transport', subcategory: 'transport.congestion', lead: 'city_traffic_police', coUnits: ['city_transport'], note: '交通组织与拥堵疏导由交警支队负责' },
    { category: 'transport', subcategory: 'transport.vehicle_licensing', lead: 'city_traffic_police', note: '驾驶证与机动车业务由车管所（交警支队）办理' },
    { category: 'transport', subcategory: 'transport.shared_bikes', lead: 'city_transport', coUnits: ['city_urban_mgmt'], note: '共享单车投放由交通部门管理，乱停放由城管协办' },

    // 生态环境
    { category: 'environment', lead: 'city_eco_env', note: '生态环境类诉求默认由市生态环境局承办' },
    { category: 'environment', subcategory: 'environment.cooking_fumes', lead: 'city_urban_mgmt', coUnits: ['city_eco_env'], note: '餐饮油烟由城管部门查处' },
    { category: 'environment', subcategory: 'environment.construction_noise', lead: 'city_housing', coUnits: ['city_urban_mgmt'], note: '建筑施工噪声由住建部门监管工地，夜间施工由城管查处' },
    { category: 'environment', subcategory: 'environment.social_noise', lead: 'city_public_security', coUnits: ['city_urban_mgmt'], note: '社会生活噪声由公安机关依法处理' },
    { category: 'environment', subcategory: 'environment.open_burning', jurisdiction: 'street', coUnits: ['city_eco_env'], note: '露天焚烧实行属地网格巡查' },
    { category: 'environment', subcategory: 'environment.water_pollution', lead: 'city_eco_env', coUnits: ['city_water_affairs'], note: '水体污染由生态环境局查处，河道管理由水务局协办' },
    { category: 'environment', district: 'yunling', lead: 'city_eco_env', coUnits: ['gov_yunling'], note: '云岭区工业园区集中，区政府协办环境执法' },

    // 市场监管
    { category: 'market_regulation', lead: 'city_market', note: '市场监管类诉求由市市场监督管理局承办' },
    { category: 'market_regulation', subcategory: 'market_regulation.pricing', lead: 'city_market', coUnits: ['city_development_reform'], note: '价格违法由市场监管查处，政府定价问题由发改委协办' },
    { category: 'market_regulation', subcategory: 'market_regulation.unlicensed_business', jurisdiction: 'street', coUnits: ['city_market'], note: '无照经营由街道属地排查、市场监管所查处' },

    // 劳动与社会保障
    { category: 'labor_social_security', lead: 'city_hrss', note: '劳动与社会保障类诉求默认由市人社局承办' },
    { category: 'labor_social_security', subcategory: 'labor_social_security.wage_arrears', lead: 'city_hrss', coUnits: ['city_housing'], note: '欠薪由人社局劳动保障监察支队处理，工程领域欠薪由住建部门协办' },
    { category: 'labor_social_security', subcategory: 'labor_social_security.labor_dispute', lead: 'city_labor_arbitration', note: '劳动争议由劳动人事争议仲裁院受理' },
    { category: 'labor_social_security', subcategory: 'labor_social_security.medical_insurance', lead: 'city_medical_security', note: '医保参保、报销由市医疗保障局答复' },

    // 医疗卫生
    { category: 'health', lead: 'city_health', note: '医疗卫生类诉求由市卫生健康委员会承办' },
    { category: 'health', subcategory: 'health.medical_dispute', lead: 'city_health', coUnits: ['city_justice'], note: '医疗纠纷由卫健委处理，医调委（司法局指导）协办' },

    // 教育
    { category: 'education', lead: 'city_education', note: '教育类诉求由市教育局承办' },
    { category: 'education', subcategory: 'education.school_meals', lead: 'city_education', coUnits: ['city_market'], note: '学校食堂由教育局管理，食品安全由市场监管协办' },
    { category: 'education', subcategory: 'education.enrollment', district: 'jiangbin', lead: 'gov_jiangbin', coUnits: ['city_education'], note: '江滨区义务教育招生由区教育局组织，区政府承办' },

    // 公共安全
    { category: 'public_safety', lead: 'city_public_security', note: '公共安全类诉求默认由市公安局承办' },
    { category: 'public_safety', subcategory: 'public_safety.fire_hazard', lead: 'city_fire_rescue', note: '消防隐患由消防救援支队检查处理' },
    { category: 'public_safety', subcategory: 'public_safety.work_safety', lead: 'city_emergency', note: '安全生产由市应急管理局负责' },
    { category: 'public_safety', subcategory: 'public_safety.disaster_prevention', lead: 'city_emergency', coUnits: ['city_water_affairs'], note: '防汛等防灾减灾由应急管理局统筹' },
    { category: 'public_safety', subcategory: 'public_safety.pyramid_selling', lead: 'city_market', coUnits: ['city_public_security'], note: '传销由市场监管部门查处，公安机关协办' },

    // 民政与社区
    { category: 'civil_affairs', lead: 'city_civil_affairs', note: '民政类诉求默认由市民政局承办' },
    { category: 'civil_affairs', subcategory: 'civil_affairs.community_services', jurisdiction: 'street', coUnits: ['city_civil_affairs'], note: '社区事务由街道、社区居委会属地办理' },
    { category: 'civil_affairs', subcategory: 'civil_affairs.neighbour_disputes', jurisdiction: 'street', coUnits: ['city_justice'], note: '邻里纠纷由街道人民调解委员会调处' },
    { category: 'civil_affairs', subcategory: 'civil_affairs.subsistence_allowance', jurisdiction: 'street', coUnits: ['city_civil_affairs'], note: '低保申请由街道受理初审，民政局审批' },
    { category: 'civil_affairs', subcategory: 'civil_affairs.disability_support', lead: 'city_disabled_federation', coUnits: ['city_civil_affairs'], note: '残疾人帮扶由市残联承办' },
    { category: 'civil_affairs', subcategory: 'civil_affairs.veterans', lead: 'city_veterans', note: '退役军人服务由市退役军人事务局承办' },

    // 户籍与证件
    { category: 'household_registration', lead: 'city_public_security', note: '户籍与证件由市公安局（户政、出入境）承办' },

    // 农业农村
    { category: 'agriculture_rural', lead: 'city_agriculture', note: '农业农村类诉求由市农业农村局承办' },
    { category: 'agriculture_rural', subcategory: 'agriculture_rural.homestead', jurisdiction: 'street', coUnits: ['city_agriculture', 'city_natural_resources'], note: '宅基地审批由乡镇人民政府办理' },
    { category: 'agriculture_rural', subcategory: 'agriculture_rural.rural_roads', lead: 'city_transport', note: '农村公路由交通运输局负责' },
    { category: 'agriculture_rural', district: 'yunling', jurisdiction: 'district', coUnits: ['city_agriculture'], note: '云岭区为涉农区，农业农村事项由区政府（区农业农村局）承办' },

    // 政务服务
    { category: 'government_services', lead: 'city_gov_services', note: '政务服务类诉求由市政务服务数据管理局承办' },

    // 规划与建设
    { category: 'planning_construction', lead: 'city_natural_resources', note: '规划类诉求默认由市自然资源和规划局承办' },
    { category: 'planning_construction', subcategory: 'planning_construction.construction_quality', lead: 'city_housing', note: '建设工程质量由住建局监督' },
    { category: 'planning_construction', subcategory: 'planning_construction.construction_site', lead: 'city_housing', coUnits: ['city_urban_mgmt'], note: '施工工地扬尘、围挡由住建局监管' },
    { category: 'planning_construction', subcategory: 'planning_construction.expropriation', jurisdiction: 'district', coUnits: ['city_housing'], note: '房屋征收补偿由区政府（区征收办）实施' },
    { category: 'planning_construction', subcategory: 'planning_construction.old_community_renovation', lead: 'city_housing', coUnits: ['city_urban_mgmt'], note: '老旧小区改造由住建局统筹，区、街道组织实施' },
    { category: 'planning_construction', subcategory: 'planning_construction.municipal_projects', lead: 'city_urban_mgmt', coUnits: ['city_housing'], note: '市政道路管网工程由城管局负责' },

    // 其他
    { category: 'other', lead: 'city_hotline_office', note: '无法归类的诉求由热线办研判后再派' },
    { category: 'other', subcategory: 'other.legal_affairs', lead: 'city_justice', note: '涉法涉诉事项由司法局引导依法解决' },
  ],
};
