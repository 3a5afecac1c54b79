// 隐私政策 and 无障碍声明.
export const privacy = {};
export const accessibility = {};
