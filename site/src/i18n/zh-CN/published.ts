// 回音壁 and the 市长信箱 landing page with its public letters.
export const echoWall = {};
export const mailbox = {};
