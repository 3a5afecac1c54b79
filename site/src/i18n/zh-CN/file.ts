// 我要反映 (the filing form, its review step and receipt) and the 市长信箱 letter form.
export const file = {};
export const receipt = {};
export const letter = {};
